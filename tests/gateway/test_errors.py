"""Every failure becomes a clear JiraError whose text says what happened and what to do."""

from __future__ import annotations

import ssl

import httpx
import pytest
import respx

from server.errors import (
    ApiRemoved,
    AuthenticationFailed,
    BadRequest,
    InvalidResponse,
    JiraError,
    JiraTimeout,
    JiraUnreachable,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    TlsError,
)
from server.gateway import JiraGateway
from server.gateway.error_mapping import error_from_response
from tests.gateway.conftest import JIRA, GatewayFactory, make_settings
from tests.gateway.fakes import FakeClock

pytestmark = pytest.mark.anyio

ISSUE = f"{JIRA}/rest/api/3/issue/PROJ-1"
REMOVED = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)


@pytest.mark.parametrize(
    ("status", "body", "kind", "text"),
    [
        (
            400,
            {"errorMessages": [], "errors": {"summary": "You must specify a summary."}},
            BadRequest,
            "summary: You must specify a summary.",
        ),
        (401, {"errorMessages": ["Unauthorized"]}, AuthenticationFailed, "JIRA_API_TOKEN"),
        (403, {"errorMessages": ["Forbidden"]}, PermissionDenied, "permission"),
        (
            404,
            {"errorMessages": ["Issue does not exist or you do not have permission to see it."]},
            NotFound,
            "Issue does not exist",
        ),
        (410, {"errorMessages": [REMOVED], "errors": {}}, ApiRemoved, "search/jql"),
        (429, {}, RateLimited, "Wait"),
        (503, {}, ServerError, "503"),
    ],
)
async def test_status_mapping(
    open_gateway: GatewayFactory,
    status: int,
    body: dict[str, object],
    kind: type[JiraError],
    text: str,
) -> None:
    """Each status maps to its error class, keeping Jira's messages and the request line."""
    with respx.mock:
        respx.get(ISSUE).mock(return_value=httpx.Response(status, json=body))
        async with open_gateway(jira_max_retries=0) as gateway:
            with pytest.raises(kind) as caught:
                await gateway.get_issue("PROJ-1")
    error = caught.value
    assert text in str(error)
    assert error.status == status
    assert "GET /rest/api/3/issue/PROJ-1" in str(error)


@pytest.mark.parametrize(
    ("exception", "kind", "text"),
    [
        (httpx.ReadTimeout("timed out"), JiraTimeout, "did not answer within"),
        (httpx.ConnectError("[Errno 111] Connection refused"), JiraUnreachable, "JIRA_URL"),
        (httpx.RemoteProtocolError("peer closed"), JiraUnreachable, "broke"),
        (
            httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            TlsError,
            "JIRA_CA_BUNDLE",
        ),
    ],
)
async def test_transport_failures(
    open_gateway: GatewayFactory, exception: Exception, kind: type[JiraError], text: str
) -> None:
    """Timeouts, refused connections, broken connections and TLS failures are named plainly."""
    with respx.mock:
        respx.get(ISSUE).mock(side_effect=exception)
        async with open_gateway(jira_max_retries=0) as gateway:
            with pytest.raises(kind, match=text):
                await gateway.get_issue("PROJ-1")


async def test_tls_failure_found_in_exception_chain(clock: FakeClock) -> None:
    """An ssl.SSLError underneath a ConnectError is still reported as a TLS problem."""

    def handshake(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("handshake failed") from ssl.SSLError("unknown ca")

    async with JiraGateway.open(
        make_settings(jira_max_retries=0), transport=httpx.MockTransport(handshake), clock=clock
    ) as gateway:
        with pytest.raises(TlsError):
            await gateway.get_issue("PROJ-1")


@pytest.mark.parametrize("body", [b"<html>Log in</html>", b'{"key": "PROJ-1", "fie', b"\xff\xfe"])
async def test_success_with_invalid_json(open_gateway: GatewayFactory, body: bytes) -> None:
    """A 200 whose body is not JSON is an InvalidResponse, not a crash."""
    with respx.mock:
        respx.get(ISSUE).mock(return_value=httpx.Response(200, content=body))
        async with open_gateway() as gateway:
            with pytest.raises(InvalidResponse, match="not valid JSON"):
                await gateway.get_issue("PROJ-1")


async def test_error_body_not_json(open_gateway: GatewayFactory) -> None:
    """An HTML error page does not leak markup into the error text."""
    with respx.mock:
        respx.get(ISSUE).mock(return_value=httpx.Response(403, content=b"<html>nope</html>"))
        async with open_gateway() as gateway:
            with pytest.raises(PermissionDenied) as caught:
                await gateway.get_issue("PROJ-1")
    assert "<html>" not in str(caught.value)


async def test_removed_search_endpoint_explained() -> None:
    """The 410 text explains the migration to /search/jql."""
    error = error_from_response("GET", "/rest/api/3/search", 410, b"{}")
    assert isinstance(error, ApiRemoved)
    assert "CHANGE-2046" in str(error)
    assert "nextPageToken" in str(error)


async def test_key_with_path_segments_never_reaches_the_url(open_gateway: GatewayFactory) -> None:
    """Without a project scope too, a key like ../../project/X is refused before sending."""
    with respx.mock(assert_all_called=False) as mock:
        async with open_gateway(jira_projects=[]) as gateway:
            with pytest.raises(JiraError, match="not an issue key"):
                await gateway.transitions("../../3/project/OTHER")
            with pytest.raises(JiraError, match="not an issue property key"):
                await gateway.get_issue_property("PROJ-1", "../../myself")
        assert not mock.calls


async def test_project_metadata_outside_the_scope_is_refused(open_gateway: GatewayFactory) -> None:
    """Create metadata and project reads of a forbidden project send nothing."""
    with respx.mock(assert_all_called=False) as mock:
        async with open_gateway(jira_projects="PROJ") as gateway:
            for call in (
                gateway.meta.project("SECRET"),
                gateway.meta.createmeta_issuetypes("SECRET"),
                gateway.meta.createmeta_fields("SECRET", "10001"),
            ):
                with pytest.raises(JiraError, match="outside the allowed projects"):
                    await call
        assert not mock.calls
