"""Every log line, ours or a library's, is one JSON object on stderr without any secret."""

from __future__ import annotations

import base64
import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import structlog

from server.app import build_server
from server.config import Settings
from server.logging import configure_logging

EMAIL = "ada@example.com"
TOKEN = "ATATT3xFfGF0-log-line-secret-9f8e7d6c"  # a test value
BASIC = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()


def _settings() -> Settings:
    return Settings.model_validate(
        {"jira_url": "https://example.atlassian.net", "jira_email": EMAIL, "jira_api_token": TOKEN}
    )


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every log line at DEBUG into a buffer, with the root logger restored afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("DEBUG", _settings().secret_forms(), stream)
    yield stream
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _assert_clean(text: str) -> None:
    for secret in (TOKEN, BASIC, quote(TOKEN, safe="")):
        assert secret[:12] not in text
        assert secret[-12:] not in text


def test_httpx_request_line_is_json_and_redacted(captured: io.StringIO) -> None:
    """httpx's INFO request line, with a token in the URL, is a JSON line without the token."""
    url = f"https://example.atlassian.net/rest/api/3/myself?token={quote(TOKEN)}"
    logging.getLogger("httpx").info('HTTP Request: %s %s "%s"', "GET", url, "HTTP/1.1 200 OK")
    [line] = _lines(captured)
    assert line["logger"] == "httpx"
    assert line["level"] == "info"
    assert str(line["event"]).startswith("HTTP Request: GET https://example.atlassian.net/")
    _assert_clean(captured.getvalue())


def _fail(message: str) -> None:
    raise RuntimeError(message)


def test_library_exception_traceback_is_redacted(captured: io.StringIO) -> None:
    """A library logging an exception that carries the Basic header logs it as JSON, scrubbed."""
    try:
        _fail(f"upstream said: Authorization: Basic {BASIC[:30]}")
    except RuntimeError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    [line] = _lines(captured)
    assert "RuntimeError" in str(line["exception"])
    _assert_clean(captured.getvalue())


def test_sdk_logger_stays_json_after_the_server_is_built(captured: io.StringIO) -> None:
    """Building the MCP server does not put the SDK's own handler back on the root logger."""
    build_server(_settings())
    logging.getLogger("mcp.server.lowlevel.server").warning("session for %s ended", TOKEN)
    lines = _lines(captured)
    assert {line["logger"] for line in lines} == {"mcp.server.lowlevel.server"}
    assert lines[-1]["event"] == "session for [redacted] ended"
    _assert_clean(captured.getvalue())


def test_every_library_logger_reaches_the_json_handler(captured: io.StringIO) -> None:
    """uvicorn's loggers, propagating to the root, and any other library's end up as JSON."""
    for name in ("uvicorn", "uvicorn.access", "some.library", ""):
        logging.getLogger(name).warning("%s saw %s", name or "root", TOKEN)
    lines = _lines(captured)
    assert [line["event"] for line in lines] == [
        "uvicorn saw [redacted]",
        "uvicorn.access saw [redacted]",
        "some.library saw [redacted]",
        "root saw [redacted]",
    ]


def test_prepared_logging_is_lazy_and_catches_library_lines() -> None:
    """prepare_logging loads no structlog, yet the first library line is JSON and scrubbed."""
    script = f"""
import logging, sys
from server.logging import prepare_logging
prepare_logging("INFO", [{TOKEN!r}])
assert "structlog" not in sys.modules, "structlog loaded at start-up"
logging.getLogger("httpx").warning("GET /x?token={TOKEN}")
"""
    done = subprocess.run(  # noqa: S603  # our own interpreter and a fixed script
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    line = json.loads(done.stderr)
    assert line["event"] == "GET /x?token=[redacted]"
    assert line["logger"] == "httpx"
