"""Structured JSON logs on stderr, scrubbed of every secret, from every logger.

stdout belongs to MCP when the server speaks stdio, so nothing here ever writes to it.
Our own events go through structlog; every standard-library record (the MCP SDK's, httpx's
request line, uvicorn's, anyone's) reaches a handler on the root logger that renders it
with structlog's ProcessorFormatter into the same JSON line. Both pass the one redactor
(``server.redact``) last before rendering, by value anywhere in an event, and by key
(``authorization``, ``token``, ...).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, MutableMapping
from typing import TYPE_CHECKING, Any, TextIO

from server.redact import REDACTED, Redactor

if TYPE_CHECKING:
    import structlog

_SECRET_KEYS = ("authorization", "token", "password", "secret", "cookie", "api_key")
# Libraries speak at WARNING unless LOG_LEVEL asks for DEBUG: httpx repeats every jira_call
# at INFO and the SDK announces every request.
_LIBRARY_FLOOR = logging.WARNING


class EventScrubber:
    """A structlog processor that replaces secret values and secret-named keys."""

    def __init__(self, forms: Iterable[str] = ()) -> None:
        self.redactor = Redactor(forms)

    def scrub(self, value: object) -> object:
        """Return ``value`` with every secret replaced, walking dicts, lists and tuples."""
        if isinstance(value, str):
            return self.redactor.scrub_text(value)
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
    """Send JSON lines to ``stream`` (stderr by default) at ``level``, secrets scrubbed.

    ``secrets`` are the forms to scrub (``Settings.secret_forms()``).
    """
    import structlog  # noqa: PLC0415  # see prepare_logging

    target = stream if stream is not None else sys.stderr
    forms = list(secrets)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            EventScrubber(forms),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=target),
        cache_logger_on_first_use=False,
    )
    handler = JsonRecordHandler(target, forms)
    handler.setFormatter(_record_formatter(forms))
    _install(handler, level)


class JsonRecordHandler(logging.StreamHandler[TextIO]):
    """The root logger's one handler: each standard-library record as one JSON line.

    Its formatter (and with it structlog) is built on the first record, so installing it
    at start-up costs nothing.
    """

    def __init__(self, stream: TextIO, forms: list[str]) -> None:
        super().__init__(stream)
        self.forms = forms

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line, secrets scrubbed."""
        if self.formatter is None:
            self.setFormatter(_record_formatter(self.forms))
        return super().format(record)


def _record_formatter(forms: list[str]) -> logging.Formatter:
    """structlog's ProcessorFormatter with the same fields, scrubber and renderer as ours."""
    import structlog  # noqa: PLC0415  # see prepare_logging

    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_logger_name,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ],
        processors=[
            # The LogRecord itself must not reach the scrubber or the renderer.
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            EventScrubber(forms),
            structlog.processors.JSONRenderer(),
        ],
    )


def _install(handler: logging.Handler, level: str) -> None:
    """Make ``handler`` the root logger's only handler, replacing the SDK's and any other.

    Loggers that propagate (all but those a library set up itself) end up here; the SDK's
    own basicConfig does nothing once the root has a handler.
    """
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    wanted = logging.getLevelName(level)
    root.setLevel(wanted if wanted == logging.DEBUG else max(wanted, _LIBRARY_FLOOR))


_prepared: tuple[str, list[str]] = ("INFO", [])


def prepare_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    """Record how to log and route library records to JSON; structlog is loaded and set up
    when the first logger is needed or the first library record arrives.

    A server that is only started and listed (tools/list) never pays for structlog.
    """
    global _prepared  # noqa: PLW0603  # one logging set-up per process, as structlog's own
    _prepared = (level, list(secrets))
    _install(JsonRecordHandler(sys.stderr, _prepared[1]), level)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A logger bound to the component ``name``."""
    import structlog  # noqa: PLC0415  # see prepare_logging

    if not structlog.is_configured():
        # structlog's own default prints to stdout, which belongs to MCP over stdio.
        configure_logging(*_prepared)
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(component=name)
    return logger
