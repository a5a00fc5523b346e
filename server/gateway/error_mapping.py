"""The one place where httpx exceptions and Jira status codes become ``JiraError``s.

Each text says what happened and what to do next, for a model that cannot see the wire.
A body is scrubbed of secrets (``scrub``) before any of it is cut or quoted: a cut inside a
credential would otherwise leave its start for the model to read.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable

from server.errors import (
    ApiRemoved,
    AuthenticationFailed,
    BadRequest,
    Conflict,
    InvalidResponse,
    JiraError,
    JiraHttpError,
    JiraTimeout,
    JiraTransportError,
    JiraUnreachable,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    RateLimited,
    ResponseTooLarge,
    ServerError,
    TlsError,
)

_STATUS_TEXT: dict[int, tuple[type[JiraHttpError], str]] = {
    400: (BadRequest, "Jira refused the request as invalid; fix what it names and try again."),
    401: (
        AuthenticationFailed,
        "Jira did not accept the credentials. The user must check JIRA_EMAIL with "
        "JIRA_API_TOKEN (Cloud), JIRA_PAT (Data Center) or JIRA_OAUTH_TOKEN; retrying will "
        "not help.",
    ),
    403: (
        PermissionDenied,
        "The Jira account is not allowed to do this (a project permission is missing). "
        "Use a project the account can work in, or ask a Jira admin for the permission.",
    ),
    404: (
        NotFound,
        "Not found: it does not exist or this account cannot see it. Check the key or id.",
    ),
    409: (Conflict, "Jira refused because of a conflicting update; read it again, then retry."),
    410: (
        ApiRemoved,
        "This Jira endpoint was removed by Atlassian (CHANGE-2046). Search now goes through "
        "/rest/api/3/search/jql with nextPageToken paging; this server uses it already, so "
        "an old endpoint in JIRA_URL or a proxy is the likely cause.",
    ),
    413: (
        PayloadTooLarge,
        "A per-issue limit was reached (comments, worklogs, attachments or links).",
    ),
}


Scrub = Callable[[str], str]


def _unchanged(text: str) -> str:
    return text


def error_from_response(
    method: str,
    path: str,
    status: int,
    body: bytes,
    retry_after: float | None = None,
    *,
    scrub: Scrub = _unchanged,
) -> JiraError:
    """The JiraError for an error answer, carrying Jira's own messages."""
    messages, errors = _jira_messages(body, scrub)
    if status == 429:
        wait = f"Wait {retry_after:.0f} s" if retry_after is not None else "Wait a minute"
        error = RateLimited(
            f"Jira is rate limiting this account and the retries ran out. {wait}, then try "
            "again; ask for fewer issues or fields per call meanwhile.",
            error_messages=messages,
            errors=errors,
            method=method,
            path=path,
            status=status,
        )
        error.retry_after = retry_after
        return error
    if status >= 500:
        return ServerError(
            f"Jira failed with {status} (a server-side error). Try again in a minute; if it "
            "persists, Jira itself is having trouble.",
            error_messages=messages,
            errors=errors,
            method=method,
            path=path,
            status=status,
        )
    kind, text = _STATUS_TEXT.get(
        status, (JiraHttpError, f"Jira answered {status}, which this server does not expect.")
    )
    return kind(
        text, error_messages=messages, errors=errors, method=method, path=path, status=status
    )


def error_from_exception(method: str, path: str, exc: BaseException, timeout: float) -> JiraError:
    """The JiraError for a request that got no answer."""
    import httpx  # noqa: PLC0415  # loaded with the first request, not at start-up

    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return JiraTimeout(
            f"Jira did not answer within {timeout:g} s. Try again, or narrow the request "
            "(fewer issues or fields); JIRA_TIMEOUT sets the limit.",
            method=method,
            path=path,
        )
    if _is_tls_failure(exc):
        return TlsError(
            "TLS verification of the Jira server failed (its certificate is not trusted). "
            "Set JIRA_CA_BUNDLE to your CA's PEM file; JIRA_SSL_VERIFY=false is for tests only.",
            method=method,
            path=path,
        )
    if isinstance(exc, httpx.ConnectError):
        return JiraUnreachable(
            "Could not connect to Jira (connection refused or host not found). Check JIRA_URL, "
            "the network and HTTPS_PROXY.",
            method=method,
            path=path,
        )
    if isinstance(exc, httpx.TransportError):
        return JiraUnreachable(
            "The connection to Jira broke before an answer arrived. Try again.",
            method=method,
            path=path,
        )
    return JiraTransportError(
        f"Talking to Jira failed: {type(exc).__name__}.", method=method, path=path
    )


def invalid_json(
    method: str, path: str, status: int, body: bytes, *, scrub: Scrub = _unchanged
) -> InvalidResponse:
    """A success status whose body is not the JSON Jira promises."""
    # Scrubbed well past the 80 characters quoted: the cut may fall inside a secret.
    start = scrub(body[:4096].decode("utf-8", "replace"))[:80].replace("\n", " ")
    return InvalidResponse(
        f"Jira answered {status} but the body is not valid JSON (it starts {start!r}). A proxy "
        "or login page may be in the way; check JIRA_URL. Trying again may help if the answer "
        "was cut off.",
        method=method,
        path=path,
        status=status,
    )


def too_large(method: str, path: str, status: int, limit: int) -> ResponseTooLarge:
    """An answer whose decoded size passed JIRA_MAX_RESPONSE_BYTES."""
    error = ResponseTooLarge(
        f"Jira's answer was larger than {_size(limit)} (JIRA_MAX_RESPONSE_BYTES={limit}, "
        "counted after decompression), so reading stopped there. Ask for less: fewer "
        "fields, a smaller limit or a narrower query. If real answers are this large, the "
        "user can raise JIRA_MAX_RESPONSE_BYTES.",
        method=method,
        path=path,
        status=status,
    )
    error.limit = limit
    return error


def file_too_large(method: str, path: str, status: int, limit: int) -> ResponseTooLarge:
    """A downloaded file longer than the caller's ``max_bytes``."""
    error = ResponseTooLarge(
        f"The file is larger than {_size(limit)} (max_bytes={limit}), so reading stopped "
        "there. Ask again with a larger max_bytes, or open the attachment in Jira.",
        method=method,
        path=path,
        status=status,
    )
    error.limit = limit
    return error


def stacked_encoding(method: str, path: str, status: int, encoding: str) -> InvalidResponse:
    """An answer compressed several times over, which Jira never sends."""
    return InvalidResponse(
        f"Jira's answer came compressed several times over (Content-Encoding: {encoding[:60]}), "
        "which Jira never does; it was not read. A proxy in the way is the likely cause; "
        "check JIRA_URL and HTTPS_PROXY.",
        method=method,
        path=path,
        status=status,
    )


def _size(limit: int) -> str:
    mib = limit / (1024 * 1024)
    return f"{mib:.3g} MB" if mib >= 1 else f"{limit} bytes"


def _jira_messages(body: bytes, scrub: Scrub) -> tuple[list[str], dict[str, str]]:
    """Jira's errorMessages and errors, each scrubbed whole; a body that is not JSON is
    scrubbed, then cut."""
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        text = scrub(body.decode("utf-8", "replace"))[:200].strip()
        return ([text] if text and not text.startswith("<") else []), {}
    if not isinstance(data, dict):
        return [], {}
    raw_messages = data.get("errorMessages") or []
    messages = [scrub(str(m)) for m in raw_messages] if isinstance(raw_messages, list) else []
    raw_errors = data.get("errors") or {}
    errors = (
        {str(k): scrub(str(v)) for k, v in raw_errors.items()}
        if isinstance(raw_errors, dict)
        else {}
    )
    if not messages and isinstance(data.get("message"), str):
        messages.append(scrub(data["message"]))
    return messages, errors


def _is_tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
