"""Where a download may be redirected, and with which credentials.

Jira Cloud answers an attachment's content with a 303 to Atlassian's media host
(``api.media.atlassian.com``), whose URL carries its own token. A redirect is followed only
to Jira's own host (with Jira's credentials, as Data Center serves files itself) or over
HTTPS to the media host (without them: Jira's credentials never leave for another host).
Anything else is refused, so a compromised or misconfigured proxy cannot send the gateway,
or the credentials, elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from server.errors import InvalidResponse

if TYPE_CHECKING:
    import httpx

MAX_REDIRECTS: Final = 3
MEDIA_HOST: Final = "api.media.atlassian.com"
MEDIA_DOMAIN: Final = ".media.atlassian.com"
_CREDENTIAL_HEADERS: Final = ("authorization", "cookie")


def is_media_host(url: httpx.URL) -> bool:
    """Atlassian's media host, over HTTPS."""
    host = url.host.lower()
    return url.scheme == "https" and (host == MEDIA_HOST or host.endswith(MEDIA_DOMAIN))


def redirect_request(
    client: httpx.AsyncClient, response: httpx.Response, method: str, path: str
) -> httpx.Request:
    """The request that follows ``response``'s redirect, or InvalidResponse if it may not."""
    location = response.headers.get("location", "")
    target = response.request.url.join(location)
    own = client.base_url
    same_site = (target.scheme, target.host, target.port) == (own.scheme, own.host, own.port)
    if not location or not (same_site or is_media_host(target)):
        raise InvalidResponse(
            f"Jira redirected the download to {target.host or 'nowhere'}, which is neither "
            "the Jira site nor Atlassian's media host, so it was not followed.",
            method=method,
            path=path,
            status=response.status_code,
        )
    request = client.build_request("GET", target)
    if not same_site:
        for name in _CREDENTIAL_HEADERS:
            request.headers.pop(name, None)
    return request
