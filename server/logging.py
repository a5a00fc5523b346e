"""Structured JSON logs on stderr, scrubbed of every secret.

stdout belongs to MCP when the server speaks stdio, so nothing here ever writes to it.
Secrets are removed twice: by value (the configured tokens, the Basic header, base64 of
email:token) anywhere in an event, and by key (``authorization``, ``token``, ...).
"""

from __future__ import annotations

import base64
import logging
import sys
from collections.abc import Iterable, MutableMapping
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import structlog

REDACTED = "[redacted]"
_SECRET_KEYS = ("authorization", "token", "password", "secret", "cookie", "api_key")


def secret_variants(secrets: Iterable[str], email: str | None = None) -> list[str]:
    """Every form in which a secret could leak: itself and the Basic-auth encodings."""
    found: list[str] = []
    for secret in secrets:
        if not secret:
            continue
        found.append(secret)
        if email:
            pair = f"{email}:{secret}".encode()
            found.append(base64.b64encode(pair).decode())
    # Longest first, so a value that contains another is replaced whole.
    return sorted(set(found), key=len, reverse=True)


class Redactor:
    """A structlog processor that replaces secret values and secret-named keys."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = [s for s in secrets if len(s) >= 4]

    def scrub_text(self, text: str) -> str:
        """``text`` with every secret replaced."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def scrub(self, value: object) -> object:
        """Return ``value`` with every secret replaced, walking dicts, lists and tuples."""
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, dict):
            return {k: self._scrub_item(str(k), v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub(item) for item in value]
        if isinstance(value, int | float | bool) or value is None:
            return value
        return self.scrub(str(value))

    def _scrub_item(self, key: str, value: object) -> object:
        if any(word in key.lower() for word in _SECRET_KEYS) and value:
            return REDACTED
        return self.scrub(value)

    def __call__(
        self, logger: object, method: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        return {key: self._scrub_item(key, value) for key, value in event.items()}


def configure_logging(
    level: str = "INFO", secrets: Iterable[str] = (), stream: TextIO | None = None
) -> None:
    """Send JSON lines to ``stream`` (stderr by default) at ``level``, secrets scrubbed."""
    import structlog  # noqa: PLC0415  # see prepare_logging

    target = stream if stream is not None else sys.stderr
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            Redactor(secrets),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=target),
        cache_logger_on_first_use=False,
    )
    # Libraries that use the standard logging module go to stderr too, never stdout.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, force=True)


_prepared: tuple[str, list[str]] = ("INFO", [])


def prepare_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    """Record how to log; structlog is loaded and set up when the first logger is needed.

    A server that is only started and listed (tools/list) never pays for structlog.
    """
    global _prepared  # noqa: PLW0603  # one logging set-up per process, as structlog's own
    _prepared = (level, list(secrets))


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A logger bound to the component ``name``."""
    import structlog  # noqa: PLC0415  # see prepare_logging

    if not structlog.is_configured():
        # structlog's own default prints to stdout, which belongs to MCP over stdio.
        configure_logging(*_prepared)
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(component=name)
    return logger
