"""Secrets never appear in any log line at any level, nor in any error text."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator

import httpx
import pytest
import respx
import structlog

from server.config import Settings
from server.errors import JiraError
from server.logging import REDACTED, configure_logging, get_logger, secret_variants
from tests.gateway.conftest import API_TOKEN, EMAIL, JIRA, GatewayFactory

pytestmark = pytest.mark.anyio

PAT = "pat-NjQ2MzUwOTk3ODc0Ovb"
OAUTH = "oauth-eyJhbGciOiJIUzI1NiJ9"
BASIC = base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
FORBIDDEN = (API_TOKEN, PAT, OAUTH, BASIC, f"Basic {BASIC}")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Logs at DEBUG into a buffer, scrubbed of the test secrets."""
    stream = io.StringIO()
    configure_logging("DEBUG", secret_variants([API_TOKEN, PAT, OAUTH], EMAIL), stream)
    yield stream
    structlog.reset_defaults()


def _assert_clean(text: str) -> None:
    for secret in FORBIDDEN:
        assert secret not in text


async def test_gateway_logs_and_errors_hold_no_secret(
    open_gateway: GatewayFactory, captured: io.StringIO
) -> None:
    """A failing call logs and raises without the token or the Basic header in either."""
    texts: list[str] = []
    with respx.mock:
        respx.get(f"{JIRA}/rest/api/3/issue/PROJ-1").mock(
            return_value=httpx.Response(401, json={"errorMessages": [f"bad token {API_TOKEN}"]})
        )
        async with open_gateway() as gateway:
            try:
                await gateway.get_issue("PROJ-1")
            except JiraError as exc:
                texts.append(str(exc))
    logs = captured.getvalue()
    assert "jira_call" in logs
    _assert_clean(logs)
    # Jira echoed the token back in its message: the error text must not carry it on.
    assert len(texts) == 1
    assert "bad token" in texts[0]
    _assert_clean(texts[0])


def test_every_level_scrubbed(captured: io.StringIO) -> None:
    """Secrets passed to a logger at any level, anywhere in the event, are redacted."""
    log = get_logger("test")
    for level in ("debug", "info", "warning", "error"):
        getattr(log, level)(
            f"event with {API_TOKEN}",
            header=f"Basic {BASIC}",
            nested={"list": [PAT, {"deep": OAUTH}]},
            authorization="anything at all",
        )
    text = captured.getvalue()
    _assert_clean(text)
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 4
    assert all(line["authorization"] == REDACTED for line in lines)


def test_exception_tracebacks_scrubbed(captured: io.StringIO) -> None:
    """A logged exception whose message holds a secret is scrubbed in the traceback too."""
    log = get_logger("test")

    def fail() -> None:
        raise RuntimeError(f"request failed with Authorization: Basic {BASIC}")

    try:
        fail()
    except RuntimeError:
        log.exception("boom")
    _assert_clean(captured.getvalue())


def test_settings_never_show_secrets() -> None:
    """repr and str of the settings mask every secret."""
    settings = Settings.model_validate(
        {
            "jira_url": JIRA,
            "jira_email": EMAIL,
            "jira_api_token": API_TOKEN,
            "jira_pat": PAT,
            "jira_oauth_token": OAUTH,
        }
    )
    _assert_clean(repr(settings) + str(settings) + settings.model_dump_json())
    assert set(settings.secrets()) == {API_TOKEN, PAT, OAUTH}


def test_basic_auth_variant_listed() -> None:
    """The base64 of email:token is among the values scrubbed."""
    assert BASIC in secret_variants([API_TOKEN], EMAIL)
