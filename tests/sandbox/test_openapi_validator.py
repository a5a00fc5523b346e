"""The OpenAPI response validator that the sandbox's route tests rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sandbox.openapi import (
    SPEC_FILES,
    load_spec,
    reference_dir,
    validate_error_body,
    validate_response,
)

SERVER_INFO = {
    "baseUrl": "http://sandbox",
    "buildNumber": 100000,
    "deploymentType": "Cloud",
    "serverTime": "2026-01-01T00:00:00.000+0000",
    "version": "1001.0.0-SNAPSHOT",
    "versionNumbers": [1001, 0, 0],
}
COMMENT_PATH = "/rest/api/3/issue/{issueIdOrKey}/comment/{id}"


def test_a_matching_body_passes() -> None:
    """A serverInfo body shaped as documented is accepted."""
    validate_response("GET", "/rest/api/3/serverInfo", 200, SERVER_INFO)


def test_a_wrong_type_is_reported_with_its_place() -> None:
    """A field of the wrong type fails, and the message says which field and why."""
    body = {**SERVER_INFO, "versionNumbers": [1001, "0"]}
    with pytest.raises(AssertionError, match=r"\$\.versionNumbers\[1\]: '0' is not of type"):
        validate_response("GET", "/rest/api/3/serverInfo", 200, body)


def test_undocumented_properties_fail_where_the_spec_closes_the_object() -> None:
    """additionalProperties: false in the spec is enforced."""
    with pytest.raises(AssertionError, match="'flavour' was unexpected"):
        validate_response("GET", "/rest/api/3/serverInfo", 200, {**SERVER_INFO, "flavour": 1})


def test_every_mismatch_is_listed() -> None:
    """All problems come in one message, not only the first."""
    body = {"baseUrl": 1, "buildNumber": "x"}
    with pytest.raises(AssertionError) as failure:
        validate_response("GET", "/rest/api/3/serverInfo", 200, body)
    assert "$.baseUrl" in str(failure.value)
    assert "$.buildNumber" in str(failure.value)
    assert "ServerInformation" in str(failure.value)


def test_nullable_fields_accept_null_and_still_check_types() -> None:
    """nullable: true allows null, but a wrong non-null value still fails."""
    comment = {"id": "1", "visibility": {"type": "group", "value": "x", "identifier": None}}
    validate_response("GET", COMMENT_PATH, 200, comment)
    comment["visibility"] = {"type": "group", "identifier": 5}
    with pytest.raises(AssertionError, match=r"identifier: 5 is not of type 'string'"):
        validate_response("GET", COMMENT_PATH, 200, comment)


def test_agile_paths_use_the_software_spec() -> None:
    """/rest/agile/ bodies are checked against the Jira Software schemas."""
    validate_response("GET", "/rest/agile/1.0/board/{boardId}", 200, {"id": 1, "type": "scrum"})
    with pytest.raises(AssertionError, match=r"\$\.id: '1' is not of type 'integer'"):
        validate_response("GET", "/rest/agile/1.0/board/{boardId}", 200, {"id": "1"})


def test_concrete_and_v2_paths_find_their_template() -> None:
    """A filled-in path, or the same operation under /rest/api/2, finds the v3 template."""
    validate_response("GET", "/rest/api/2/serverInfo", 200, SERVER_INFO)
    with pytest.raises(AssertionError, match=r"issue/\{issueIdOrKey\} -> 200"):
        validate_response("GET", "/rest/api/3/issue/DEMO-1", 200, {"id": 5})


def test_literal_segments_win_over_parameters() -> None:
    """/issue/bulkfetch is its own operation, not /issue/{issueIdOrKey}."""
    with pytest.raises(AssertionError, match=r"POST /rest/api/3/issue/bulkfetch -> 200"):
        validate_response("POST", "/rest/api/3/issue/bulkfetch", 200, {"issues": 1})


def test_errors_without_a_schema_are_checked_as_error_collections() -> None:
    """A 404 the spec documents without a body, or an undocumented 429, is an ErrorCollection."""
    body = {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}
    validate_response("GET", "/rest/api/3/issue/DEMO-9", 404, {**body, "errors": {}})
    validate_response("GET", "/rest/api/3/issue/DEMO-9", 429, body)
    with pytest.raises(AssertionError, match="ErrorCollection"):
        validate_response("GET", "/rest/api/3/issue/DEMO-9", 404, {"message": "gone"})


@pytest.mark.parametrize(
    "body",
    [
        {"errorMessages": "no"},
        {"errorMessages": [], "errors": {"summary": 1}},
        {"errorMessages": [], "warningMessages": []},
        ["not", "an", "object"],
    ],
)
def test_error_body_check_rejects_other_shapes(body: object) -> None:
    """validate_error_body accepts only Jira's ErrorCollection."""
    with pytest.raises(AssertionError):
        validate_error_body(body)


def test_error_body_check_accepts_jiras_bodies() -> None:
    """Jira's usual error bodies pass, with or without a status."""
    validate_error_body({"errorMessages": [], "errors": {"summary": "Summary is required."}})
    validate_error_body({"errorMessages": ["x"], "errors": {}, "status": 400})


def test_a_body_where_the_spec_documents_none_fails() -> None:
    """DELETE issue answers 204 with no body; a body there is reported."""
    validate_response("DELETE", "/rest/api/3/issue/DEMO-1", 204, None)
    with pytest.raises(AssertionError, match="documents no body"):
        validate_response("DELETE", "/rest/api/3/issue/DEMO-1", 204, {"deleted": True})


def test_unknown_operations_and_statuses_are_reported() -> None:
    """A misspelt path, a missing method and an undocumented success status all fail clearly."""
    with pytest.raises(AssertionError, match=r"closest: \['/rest/api/3/serverInfo'"):
        validate_response("GET", "/rest/api/3/serverinfo", 200, {})
    with pytest.raises(AssertionError, match=r"methods: \['GET'\]"):
        validate_response("DELETE", "/rest/api/3/serverInfo", 204, None)
    with pytest.raises(AssertionError, match="201 is not documented"):
        validate_response("GET", "/rest/api/3/serverInfo", 201, SERVER_INFO)


def test_reference_dir_can_be_set_by_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JIRA_REFERENCE_DIR points the validator at another copy of the specs."""
    spec = {
        "openapi": "3.0.1",
        "paths": {"/rest/api/3/ping": {"get": {"responses": {"200": {}}}}},
        "components": {"schemas": {}},
    }
    (tmp_path / SPEC_FILES["platform"]).write_text(json.dumps(spec))
    monkeypatch.setenv("JIRA_REFERENCE_DIR", str(tmp_path))
    assert reference_dir() == tmp_path
    assert list(load_spec("platform", reference_dir()).paths) == ["/rest/api/3/ping"]


def test_specs_are_read_from_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the variable the specs come from tests/data, inside the repository."""
    monkeypatch.delenv("JIRA_REFERENCE_DIR", raising=False)
    root = Path(__file__).resolve().parents[2]
    assert reference_dir() == root / "tests" / "data"
    assert (reference_dir() / SPEC_FILES["platform"]).is_file()
    assert (reference_dir() / SPEC_FILES["software"]).is_file()
