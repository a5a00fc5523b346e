"""Reading Jira's rate-limit headers: Retry-After and X-RateLimit-*."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds Jira asks to wait: an integer or an HTTP-date; None when absent or garbled."""
    raw = headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def reset_in_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds until X-RateLimit-Reset (ISO 8601, with or without seconds)."""
    raw = headers.get("x-ratelimit-reset")
    if not raw:
        return None
    text = raw.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def number(headers: Mapping[str, str], name: str) -> float | None:
    """A numeric header, or None when absent or not a number."""
    raw = headers.get(name)
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None
