"""The Redis the replicas share (REDIS_URL): connecting, naming keys, saying what went wrong.

Only ``server.gateway`` speaks to Redis, and only through a client made here: short socket
timeouts and no retries of its own, so that a Redis that has gone away is noticed in about a
second and the replica carries on alone (see ``shared_limiter``) instead of hanging.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit, urlunsplit

from server.config import Settings

if TYPE_CHECKING:
    from redis.asyncio import Redis

# Every key of this server starts so, away from whatever else the Redis holds.
KEY_PREFIX: Final = "jira-mcp:"
# Seconds to wait for Redis before calling it unreachable: a local or in-cluster Redis
# answers in well under a millisecond.
SOCKET_TIMEOUT: Final = 1.0


def redis_errors() -> tuple[type[BaseException], ...]:
    """What a lost Redis raises: its own errors, the socket's, and timeouts."""
    from redis.exceptions import RedisError  # noqa: PLC0415  # only a team's server loads redis

    return (RedisError, OSError, TimeoutError)


def connect(settings: Settings) -> Redis:
    """A client for REDIS_URL (which must be set); nothing is sent until first use."""
    from redis.asyncio import Redis  # noqa: PLC0415
    from redis.backoff import NoBackoff  # noqa: PLC0415
    from redis.retry import Retry  # noqa: PLC0415

    if settings.redis_url is None:
        raise ValueError("REDIS_URL is not set")
    password = settings.redis_password
    return Redis.from_url(
        settings.redis_url,
        password=password.get_secret_value() if password is not None else None,
        socket_timeout=SOCKET_TIMEOUT,
        socket_connect_timeout=SOCKET_TIMEOUT,
        # A failed command is not repeated here: the caller falls back at once.
        retry=Retry(NoBackoff(), 0),
        client_name="jira-mcp-gateway",
    )


def shown_url(url: str) -> str:
    """REDIS_URL without its user and password, fit for a message."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def credential_tag(settings: Settings) -> str:
    """A name for the Jira credential in Redis keys: a hash of it, never the credential.

    Replicas with the same site and credential share one budget, as Jira counts it.
    """
    if settings.jira_pat is not None:
        identity = "pat:" + settings.jira_pat.get_secret_value()
    elif settings.jira_oauth_token is not None:
        identity = "oauth:" + settings.jira_oauth_token.get_secret_value()
    elif settings.jira_api_token is not None:
        identity = f"basic:{settings.jira_email}:{settings.jira_api_token.get_secret_value()}"
    else:
        identity = "anonymous"
    material = f"{settings.jira_url}\n{identity}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def unreachable(settings: Settings, error: BaseException) -> str:
    """One line saying Redis cannot be reached and what to do."""
    url = shown_url(settings.redis_url or "")
    reason = str(error).strip() or type(error).__name__
    # redis-py names host and port in its own text; the password is never part of it.
    return (
        f"REDIS_URL: cannot reach Redis at {url} ({reason.splitlines()[0]}); start Redis, "
        "fix REDIS_URL (and REDIS_PASSWORD), or unset REDIS_URL to run this replica alone"
    )


async def problem_reaching(settings: Settings) -> str | None:
    """None when REDIS_URL answers PING, otherwise one line saying why not."""
    client = connect(settings)
    try:
        await client.ping()
    except redis_errors() as exc:
        return unreachable(settings, exc)
    finally:
        await client.aclose()
    return None
