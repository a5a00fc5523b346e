"""Authentication at the sandbox's edge: Basic, Bearer, anonymous serverInfo, Jira's 401."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.config import DEMO_ACCOUNT_ID, BasicCredential, BearerCredential, SandboxConfig
from sandbox.middleware import wrap
from tests.sandbox.openapi import validate_error_body

PAT = BearerCredential("pat-secret", account_id="pat-account")
CONFIG = SandboxConfig(
    credentials=(BasicCredential("demo@example.com", "sandbox-token"), PAT), rate_limit=None
)
UNAUTHENTICATED = {
    "errorMessages": [
        "You are not authenticated. Authentication required to perform this operation."
    ],
    "errors": {},
}


async def whoami(request: Request) -> JSONResponse:
    return JSONResponse({"accountId": request.scope.get("sandbox.account_id")})


def client(auth: tuple[str, str] | None = None, bearer: str | None = None) -> httpx.AsyncClient:
    routes = [Route("/rest/api/3/myself", whoami), Route("/rest/api/{v}/serverInfo", whoami)]
    app = wrap(Starlette(routes=routes), CONFIG)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return httpx.AsyncClient(
        transport=transport, base_url="http://sandbox", auth=auth, headers=headers
    )


@pytest.mark.anyio
async def test_missing_credentials_get_jiras_401() -> None:
    """A request without credentials gets 401, Jira's body and a challenge."""
    async with client() as http:
        response = await http.get("/rest/api/3/myself")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert "Basic" in response.headers["WWW-Authenticate"]
    validate_error_body(response.json())


@pytest.mark.anyio
@pytest.mark.parametrize(
    "auth",
    [
        ("demo@example.com", "wrong-token"),
        ("other@example.com", "sandbox-token"),
        ("demo@example.com", ""),
    ],
)
async def test_wrong_basic_credentials_get_401(auth: tuple[str, str]) -> None:
    """A wrong email or API token is refused with Jira's body."""
    async with client(auth) as http:
        response = await http.get("/rest/api/3/myself")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


@pytest.mark.anyio
async def test_basic_credential_maps_to_the_demo_user() -> None:
    """Email and API token authenticate as the demo user's account."""
    async with client(("demo@example.com", "sandbox-token")) as http:
        response = await http.get("/rest/api/3/myself")
    assert response.status_code == 200
    assert response.json() == {"accountId": DEMO_ACCOUNT_ID}


@pytest.mark.anyio
async def test_bearer_pat_authenticates_as_its_own_account() -> None:
    """A personal access token sent as Bearer works and has its own account."""
    async with client(bearer="pat-secret") as http:
        response = await http.get("/rest/api/3/myself")
    assert response.status_code == 200
    assert response.json() == {"accountId": "pat-account"}


@pytest.mark.anyio
async def test_unknown_bearer_token_gets_401() -> None:
    """A Bearer token the sandbox does not know is refused."""
    async with client(bearer="sandbox-token") as http:
        response = await http.get("/rest/api/3/myself")
    assert response.status_code == 401


@pytest.mark.anyio
@pytest.mark.parametrize("header", ["Basic not-base64!!", "Basic ZGVtbw==", "Token abc", "Basic"])
async def test_malformed_authorization_gets_401(header: str) -> None:
    """Garbled or foreign Authorization headers are refused, not crashed on."""
    async with client() as http:
        response = await http.get("/rest/api/3/myself", headers={"Authorization": header})
    assert response.status_code == 401


@pytest.mark.anyio
@pytest.mark.parametrize("version", ["2", "3"])
async def test_server_info_answers_anonymously(version: str) -> None:
    """serverInfo needs no credentials, as on Jira Cloud."""
    async with client() as http:
        response = await http.get(f"/rest/api/{version}/serverInfo")
    assert response.status_code == 200
    assert response.json() == {"accountId": None}


@pytest.mark.anyio
async def test_server_info_refuses_wrong_credentials() -> None:
    """Wrong credentials are refused even where anonymous calls are allowed."""
    async with client(("demo@example.com", "nope")) as http:
        response = await http.get("/rest/api/3/serverInfo")
    assert response.status_code == 401


@pytest.mark.anyio
async def test_refusals_are_counted() -> None:
    """Each 401 adds to the unauthenticated counter."""
    config = SandboxConfig(rate_limit=None)
    app = wrap(Starlette(routes=[Route("/rest/api/3/myself", whoami)]), config)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as h:
        await h.get("/rest/api/3/myself")
        await h.get("/rest/api/3/myself", auth=("demo@example.com", "sandbox-token"))
    assert config.counters.unauthenticated == 1
