"""Transitions: the screen's required resolution, unavailable transitions, status changes."""

from __future__ import annotations

import pytest

from sandbox.app import create_app
from tests.sandbox.helpers import checked, config, sandbox, site_of

TRANSITIONS = "/rest/api/3/issue/{issueIdOrKey}/transitions"


def open_issue_key() -> str:
    """The key of a SHOP issue that is still To Do in a fresh site."""
    site = site_of(create_app(config()))
    return next(i.key for i in site.issues() if i.project == "SHOP" and i.status == "10000")


KEY = open_issue_key()


@pytest.mark.anyio
async def test_transitions_list_screen_fields_when_expanded() -> None:
    """`expand=transitions.fields` shows Done's required resolution with its allowed values."""
    async with sandbox() as client:
        plain = checked(await client.get(f"/rest/api/3/issue/{KEY}/transitions"), TRANSITIONS)
        expanded = checked(
            await client.get(
                f"/rest/api/3/issue/{KEY}/transitions", params={"expand": "transitions.fields"}
            ),
            TRANSITIONS,
        )
    assert "fields" not in plain["transitions"][0]
    done = next(t for t in expanded["transitions"] if t["to"]["name"] == "Done")
    resolution = done["fields"]["resolution"]
    assert resolution["required"] is True
    assert [v["name"] for v in resolution["allowedValues"]] == [
        "Done",
        "Won't Do",
        "Duplicate",
        "Cannot Reproduce",
    ]
    assert resolution["schema"] == {"type": "resolution", "system": "resolution"}
    assert all(t["to"]["name"] != "To Do" for t in expanded["transitions"])


@pytest.mark.anyio
async def test_missing_required_screen_field_is_a_400_keyed_by_field() -> None:
    """Moving to Done without a resolution answers 400 naming `resolution`; nothing changes."""
    app = create_app(config())
    async with sandbox(app) as client:
        response = await client.post(
            f"/rest/api/3/issue/{KEY}/transitions", json={"transition": {"id": "41"}}
        )
    body = checked(response, TRANSITIONS, 400)
    assert set(body["errors"]) == {"resolution"}
    issue = site_of(app).find_issue(KEY)
    assert issue is not None
    assert issue.status == "10000"


@pytest.mark.anyio
async def test_unavailable_or_missing_transition_is_a_400() -> None:
    """An unknown transition id, a move to the current status, or no id answers 400."""
    async with sandbox() as client:
        unknown = await client.post(
            f"/rest/api/3/issue/{KEY}/transitions", json={"transition": {"id": "999"}}
        )
        same = await client.post(
            f"/rest/api/3/issue/{KEY}/transitions", json={"transition": {"id": "11"}}
        )
        none = await client.post(f"/rest/api/3/issue/{KEY}/transitions", json={})
    for response in (unknown, same, none):
        checked(response, TRANSITIONS, 400)


@pytest.mark.anyio
async def test_done_with_resolution_then_reopen() -> None:
    """Done with a resolution answers 204 and resolves; reopening clears the resolution."""
    app = create_app(config())
    site = site_of(app)
    async with sandbox(app) as client:
        closing = {
            "type": "doc",
            "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": "closing"}]}],
        }
        done = await client.post(
            f"/rest/api/3/issue/{KEY}/transitions",
            json={
                "transition": {"id": "41"},
                "fields": {"resolution": {"name": "Won't Do"}},
                "update": {"comment": [{"add": {"body": closing}}]},
            },
        )
        checked(done, TRANSITIONS, 204)
        issue = site.find_issue(KEY)
        assert issue is not None
        assert (issue.status, issue.resolution) == ("10001", "10001")
        assert issue.resolved is not None
        body = issue.comments[-1].body
        assert isinstance(body, dict)
        assert body["content"][0]["content"][0]["text"] == "closing"
        reopen = await client.post(
            f"/rest/api/3/issue/{KEY}/transitions", json={"transition": {"id": "21"}}
        )
    checked(reopen, TRANSITIONS, 204)
    reopened = site.find_issue(KEY)
    assert reopened is not None
    assert (reopened.status, reopened.resolution, reopened.resolved) == ("3", None, None)


@pytest.mark.anyio
async def test_field_not_on_the_screen_is_refused() -> None:
    """Setting a field that is not on the transition's screen answers 400."""
    async with sandbox() as client:
        response = await client.post(
            f"/rest/api/3/issue/{KEY}/transitions",
            json={"transition": {"id": "21"}, "fields": {"resolution": {"name": "Done"}}},
        )
    assert set(checked(response, TRANSITIONS, 400)["errors"]) == {"resolution"}
