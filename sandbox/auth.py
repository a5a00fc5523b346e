"""Authentication at the sandbox's edge: HTTP Basic (email + API token) or Bearer (a PAT).

A request that passes gets `scope["sandbox.credential"]` and `scope["sandbox.account_id"]`
for the routes; one that fails gets Jira's 401 body. `serverInfo` also answers anonymously,
as Jira's does (its operation lists the empty security requirement).
"""

from __future__ import annotations

import base64
import binascii
import hmac

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.config import (
    DEMO_PAT,
    BasicCredential,
    BearerCredential,
    Counters,
    Credential,
    SandboxConfig,
)

UNAUTHENTICATED = "You are not authenticated. Authentication required to perform this operation."
ANONYMOUS_PATHS = frozenset({"/rest/api/3/serverInfo", "/rest/api/2/serverInfo"})
# The media host's downloads carry their own token in the URL, not Jira's credentials.
MEDIA_PREFIX = "/file/"
# Jira Cloud advertises both schemes it takes from scripts.
CHALLENGE = 'Basic realm="Jira", Bearer realm="Jira"'


class AuthError(Exception):
    """The request carries no credential, or one the sandbox does not know."""


def _same(given: str, expected: str) -> bool:
    # Constant-time comparison: the habit matters even for a local simulator.
    return hmac.compare_digest(given.encode(), expected.encode())


def _basic(
    value: str, credentials: tuple[Credential, ...], *, usernames: bool = False
) -> Credential:
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise AuthError from exc
    email, sep, token = decoded.partition(":")
    for cred in credentials:
        if (
            sep
            and isinstance(cred, BasicCredential)
            and _same_account(email.lower(), cred, usernames=usernames)
            and _same(token, cred.token)
        ):
            return cred
    raise AuthError


def _same_account(given: str, cred: BasicCredential, *, usernames: bool) -> bool:
    """Whether ``given`` names the credential's account: its email, or on Data Center (which
    takes ``username:password``) its username as well."""
    if usernames and _same(given, cred.username):
        return True
    return _same(given, cred.email.lower())


def _bearer(value: str, credentials: tuple[Credential, ...]) -> Credential:
    for cred in credentials:
        if isinstance(cred, BearerCredential) and _same(value, cred.token):
            return cred
    raise AuthError


def identify(
    header: str, credentials: tuple[Credential, ...], *, usernames: bool = False
) -> Credential:
    """The credential an Authorization header carries, or AuthError; ``usernames``: Basic
    may name the account by username (Data Center)."""
    scheme, _, value = header.strip().partition(" ")
    match scheme.lower():
        case "basic":
            return _basic(value.strip(), credentials, usernames=usernames)
        case "bearer":
            return _bearer(value.strip(), credentials)
        case _:
            raise AuthError


def authenticate(
    header: str | None, path: str, credentials: tuple[Credential, ...], *, usernames: bool = False
) -> Credential | None:
    """The caller's credential; None for an anonymous call to an anonymous path."""
    if header is not None:
        # Wrong credentials are refused even on anonymous paths, as Jira does.
        return identify(header, credentials, usernames=usernames)
    if path in ANONYMOUS_PATHS or path.startswith(MEDIA_PREFIX):
        return None
    raise AuthError


def unauthorized() -> JSONResponse:
    """Jira's 401: an ErrorCollection and a challenge."""
    return JSONResponse(
        {"errorMessages": [UNAUTHENTICATED], "errors": {}},
        status_code=401,
        headers={"WWW-Authenticate": CHALLENGE},
    )


class AuthMiddleware:
    """Lets through requests with a configured credential; answers 401 to the rest."""

    def __init__(self, app: ASGIApp, config: SandboxConfig) -> None:
        self.app = app
        self.credentials = config.credentials
        # Data Center also takes Basic username:password and the demo personal access token.
        self.usernames = config.deployment == "datacenter"
        if self.usernames:
            self.credentials = (*config.credentials, BearerCredential(DEMO_PAT))
        self.counters: Counters = config.counters

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The first edge every request meets (admin calls aside), so it counts them all.
        self.counters.requests += 1
        header = Headers(scope=scope).get("authorization")
        try:
            credential = authenticate(
                header, scope["path"], self.credentials, usernames=self.usernames
            )
        except AuthError:
            self.counters.unauthenticated += 1
            await unauthorized()(scope, receive, send)
            return
        scope["sandbox.credential"] = credential
        scope["sandbox.account_id"] = credential.account_id if credential else None
        await self.app(scope, receive, send)
