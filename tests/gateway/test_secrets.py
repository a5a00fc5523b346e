"""Secrets never appear in any log line at any level, nor in any error text."""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Callable, Iterator
from urllib.parse import quote, quote_plus

import httpx
import pytest
import respx
import structlog

from server.config import Settings
from server.errors import JiraError
from server.logging import configure_logging, get_logger
from server.redact import REDACTED, secret_forms
from tests.gateway.conftest import API_TOKEN, EMAIL, JIRA, GatewayFactory

pytestmark = pytest.mark.anyio

PAT = "pat-NjQ2MzUwOTk3ODc0Ovb"
OAUTH = "oauth-eyJhbGciOiJIUzI1NiJ9"
BASIC = base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
FORBIDDEN = (API_TOKEN, PAT, OAUTH, BASIC, f"Basic {BASIC}")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Logs at DEBUG into a buffer, scrubbed of the test secrets; the root logger restored."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("DEBUG", secret_forms([API_TOKEN, PAT, OAUTH], EMAIL), stream)
    yield stream
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


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
    assert BASIC in secret_forms([API_TOKEN], EMAIL)


def _fragments(secret: str, size: int = 12) -> list[str]:
    """Every run of ``size`` characters of ``secret``: any of them in a text is a leak."""
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def _assert_no_fragment(text: str, *secrets: str) -> None:
    for secret in secrets:
        shown = [piece for piece in _fragments(secret) if piece in text]
        assert not shown, f"{shown[0]!r} of a secret is in {text!r}"


async def test_cut_error_body_shows_no_part_of_the_basic_credential(
    open_gateway: GatewayFactory,
) -> None:
    """A proxy page echoing the Basic header, cut at 200 characters inside it, shows none of it."""
    # The cut at 200 falls 28 characters into the base64: a prefix that decodes to the email
    # and the start of the token.
    lead = "Proxy refused the request. Headers: Authorization: Basic "
    body = (" " * (172 - len(lead)) + lead + BASIC + "; host=example").encode()
    assert base64.b64decode(BASIC[:28]).endswith(f":{API_TOKEN[:5]}".encode())
    with respx.mock:
        respx.get(f"{JIRA}/rest/api/3/issue/PROJ-1").mock(
            return_value=httpx.Response(403, content=body, headers={"content-type": "text/plain"})
        )
        async with open_gateway() as gateway:
            with pytest.raises(JiraError) as caught:
                await gateway.get_issue("PROJ-1")
    text = str(caught.value)
    assert "Authorization: Basic [redacted]" in text
    _assert_no_fragment(text, BASIC, API_TOKEN)


async def test_not_json_answer_cut_inside_the_token_shows_none_of_it(
    open_gateway: GatewayFactory,
) -> None:
    """A 200 whose non-JSON body starts with the token, cut at 80 characters, shows none of it."""
    body = (" " * 60 + f"token={API_TOKEN}&next=1").encode()
    with respx.mock:
        respx.get(f"{JIRA}/rest/api/3/issue/PROJ-1").mock(
            return_value=httpx.Response(200, content=body)
        )
        async with open_gateway() as gateway:
            with pytest.raises(JiraError) as caught:
                await gateway.get_issue("PROJ-1")
    text = str(caught.value)
    assert "not valid JSON" in text
    _assert_no_fragment(text, API_TOKEN)


@pytest.mark.parametrize("encode", [quote, quote_plus, lambda s: quote(s, safe="")])
async def test_url_encoded_token_in_an_error_is_redacted(
    open_gateway: GatewayFactory, encode: Callable[[str], str]
) -> None:
    """Jira echoing a URL with the token percent-encoded in it shows no part of the token."""
    token = "ATATT3x/Ff+GF0=secret token/value"
    url = f"https://proxy.example/login?next=%2F&token={encode(token)}&user=ada"
    with respx.mock:
        respx.get(f"{JIRA}/rest/api/3/issue/PROJ-1").mock(
            return_value=httpx.Response(400, json={"errorMessages": [f"Redirected to {url}"]})
        )
        async with open_gateway(jira_api_token=token) as gateway:
            with pytest.raises(JiraError) as caught:
                await gateway.get_issue("PROJ-1")
    text = str(caught.value)
    assert "Redirected to https://proxy.example/login" in text
    _assert_no_fragment(text, encode(token), token)


async def test_json_error_echoing_a_wrapped_basic_header_is_redacted(
    open_gateway: GatewayFactory,
) -> None:
    """Jira's errors naming the Basic header, wrapped over two lines, show no part of it."""
    wrapped = f"Basic {BASIC[:30]}\n{BASIC[30:]}"
    with respx.mock:
        respx.get(f"{JIRA}/rest/api/3/issue/PROJ-1").mock(
            return_value=httpx.Response(400, json={"errors": {"authorization": wrapped}})
        )
        async with open_gateway() as gateway:
            with pytest.raises(JiraError) as caught:
                await gateway.get_issue("PROJ-1")
    text = str(caught.value)
    assert "authorization: Basic [redacted]" in text
    _assert_no_fragment(text.replace("\n", ""), BASIC, API_TOKEN)
