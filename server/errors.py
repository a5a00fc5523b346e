"""The errors the gateway raises, each written for the model that reads it.

Every Jira failure becomes one of these in one place (``server.gateway.error_mapping``); nothing
else in the program raises httpx exceptions or looks at status codes.

    JiraError                     anything that went wrong talking to Jira
    ├── JiraHttpError             Jira answered with an error status
    │   ├── BadRequest            400: Jira's errorMessages/errors say what to fix
    │   ├── AuthenticationFailed  401: the credentials are wrong or missing
    │   ├── PermissionDenied      403: the account may not do this
    │   ├── NotFound              404: no such thing, or not visible to this account
    │   ├── Conflict              409: a conflicting update happened at the same time
    │   ├── ApiRemoved            410: an endpoint Atlassian has removed
    │   ├── PayloadTooLarge       413: a per-issue content limit was reached
    │   ├── RateLimited           429: still limited after every retry
    │   └── ServerError           5xx: Jira failed
    ├── JiraTransportError        no usable answer came back
    │   ├── JiraTimeout           no answer within the timeout
    │   ├── JiraUnreachable       connection refused, DNS failure, dropped connection
    │   └── TlsError              the certificate could not be verified
    ├── InvalidResponse           an answer that is not the JSON Jira promises
    │   └── ResponseTooLarge      an answer larger than JIRA_MAX_RESPONSE_BYTES (decoded)
    ├── OutOfScope                a project or issue outside JIRA_PROJECTS
    │   └── NotVisible            missing or outside: one answer for both (also a NotFound)
    └── WriteOutcomeUnknown       a write was sent and then the answer was lost

``WriteOutcomeUnknown`` is not a failure of the write: it says the write may or may not have
happened, so the caller must find out with a read before it reports anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence


class JiraError(Exception):
    """A Jira call that did not succeed; ``str()`` is the text the model reads."""

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        status: int | None = None,
        error_messages: Sequence[str] = (),
        errors: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.error_messages = tuple(error_messages)
        self.errors = dict(errors or {})
        super().__init__(self._render())

    def redact(self, scrub: Callable[[str], str]) -> None:
        """Pass every text through ``scrub`` (Jira may echo a credential back)."""
        self.message = scrub(self.message)
        self.error_messages = tuple(scrub(m) for m in self.error_messages)
        self.errors = {k: scrub(v) for k, v in self.errors.items()}
        self.args = (self._render(),)

    def __str__(self) -> str:
        return self._render()

    def _render(self) -> str:
        parts = [self.message]
        details = [*self.error_messages, *(f"{k}: {v}" for k, v in self.errors.items())]
        if details:
            parts.append("Jira says: " + "; ".join(details))
        if self.method and self.path:
            status = f" -> {self.status}" if self.status is not None else ""
            parts.append(f"({self.method} {self.path}{status})")
        return " ".join(parts)


class JiraHttpError(JiraError):
    """Jira answered with an error status."""


class BadRequest(JiraHttpError):
    """400: the request was invalid; Jira's messages say which part."""


class AuthenticationFailed(JiraHttpError):
    """401: the credentials were refused."""


class PermissionDenied(JiraHttpError):
    """403: authenticated, but not allowed."""


class NotFound(JiraHttpError):
    """404: the thing does not exist or this account cannot see it."""


class Conflict(JiraHttpError):
    """409: Jira refused because of a conflicting update."""


class ApiRemoved(JiraHttpError):
    """410: the endpoint was removed by Atlassian."""


class PayloadTooLarge(JiraHttpError):
    """413: a per-issue limit on comments, worklogs or attachments was reached."""


class RateLimited(JiraHttpError):
    """429 after every retry; ``retry_after`` says how long Jira asked to wait."""

    retry_after: float | None = None


class ServerError(JiraHttpError):
    """5xx: Jira failed to answer."""


class JiraTransportError(JiraError):
    """No usable answer came back."""


class JiraTimeout(JiraTransportError):
    """Jira did not answer within the configured timeout."""


class JiraUnreachable(JiraTransportError):
    """The connection could not be made or was dropped."""


class TlsError(JiraTransportError):
    """The TLS handshake failed, usually an unknown certificate authority."""


class InvalidResponse(JiraError):
    """Jira answered, but not with the JSON it promises."""


class ResponseTooLarge(InvalidResponse):
    """The answer, once decompressed, passed JIRA_MAX_RESPONSE_BYTES; reading stopped there.

    Not retried: the same request would bring the same answer. ``limit`` is the cap in bytes.
    """

    limit: int = 0


class OutOfScope(JiraError):
    """The project or issue is outside the allowed projects (JIRA_PROJECTS)."""


class NotVisible(OutOfScope, NotFound):
    """Missing, or outside the allowed projects: one error for both, so that no answer tells
    whether an object exists in a project the scope hides. Code that handles NotFound
    handles this too."""


class WriteOutcomeUnknown(JiraError):
    """A write was sent and its answer lost: it may or may not have happened.

    ``cause`` is the error that hid the outcome (a timeout, a dropped connection or a 5xx).
    """

    cause: JiraError | None = None
