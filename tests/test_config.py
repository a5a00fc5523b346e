"""Settings: every variable validated, lists comma-separated, one clear line when wrong."""

from __future__ import annotations

import pytest

from server.config import SettingsError, load_settings
from server.redact import Redactor


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    """Run each test in an empty directory so no .env file is read."""
    monkeypatch.chdir(str(tmp_path))


def test_defaults() -> None:
    """With nothing set, the documented defaults apply."""
    settings = load_settings()
    assert settings.jira_url is None
    assert settings.jira_rate_limit == 10
    assert settings.jira_max_concurrency == 4
    assert settings.jira_max_retries == 4
    assert settings.mcp_host == "127.0.0.1"
    assert settings.mcp_transport == "stdio"


def test_comma_lists_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """JIRA_PROJECTS=proj, OPS reads as two upper-case keys, as typed in a desktop config."""
    monkeypatch.setenv("JIRA_PROJECTS", "proj, OPS,,")
    monkeypatch.setenv("JIRA_EXCLUDE_TOOLS", "create_issue,transition")
    settings = load_settings()
    assert settings.jira_projects == ["PROJ", "OPS"]
    assert settings.jira_exclude_tools == ["create_issue", "transition"]


def test_sandbox_url() -> None:
    """JIRA_URL=sandbox selects the simulator."""
    assert load_settings(jira_url="Sandbox").is_sandbox


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("JIRA_RATE_LIMIT", "fast", "JIRA_RATE_LIMIT"),
        ("JIRA_RATE_LIMIT", "0", "JIRA_RATE_LIMIT"),
        ("JIRA_MAX_CONCURRENCY", "0", "JIRA_MAX_CONCURRENCY"),
        ("JIRA_URL", "ftp//nowhere", "JIRA_URL"),
        ("JIRA_PROJECTS", "PROJ,not a key", "JIRA_PROJECTS"),
        ("JIRA_TOOLS", "search_jql,delete_everything", "JIRA_TOOLS"),
        ("MCP_TRANSPORT", "websocket", "MCP_TRANSPORT"),
        ("MCP_PORT", "99999", "MCP_PORT"),
        ("JIRA_READ_ONLY", "perhaps", "JIRA_READ_ONLY"),
        ("JIRA_DEPLOYMENT", "mainframe", "JIRA_DEPLOYMENT"),
        ("JIRA_CA_BUNDLE", "/nonexistent/ca.pem", "JIRA_CA_BUNDLE"),
    ],
)
def test_bad_value_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    """A bad value fails with a single line that names the variable."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(named + ":")


def test_token_without_email(monkeypatch: pytest.MonkeyPatch) -> None:
    """An API token without its account's email is refused with a hint."""
    monkeypatch.setenv("JIRA_API_TOKEN", "secret-value-123")
    with pytest.raises(SettingsError, match="JIRA_EMAIL") as caught:
        load_settings()
    assert "secret-value-123" not in str(caught.value)


def test_short_mcp_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty or short MCP_AUTH_TOKEN is refused, not accepted as a guard."""
    monkeypatch.setenv("MCP_AUTH_TOKEN", "")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith("MCP_AUTH_TOKEN:")


def test_redis_settings_default_to_one_process() -> None:
    """Without REDIS_URL nothing is shared and one replica is assumed."""
    settings = load_settings()
    assert settings.redis_url is None
    assert settings.jira_replicas == 1


def test_redis_url_must_be_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    """A REDIS_URL that is not redis:// or rediss:// stops with a line that never echoes it."""
    monkeypatch.setenv("REDIS_URL", "http://user:hunter2-secret@cache:6379")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("REDIS_URL: expected redis://")
    assert "hunter2" not in message


def test_redis_passwords_are_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The password in REDIS_URL and REDIS_PASSWORD are both scrubbed like Jira's tokens."""
    monkeypatch.setenv("REDIS_URL", "rediss://default:s3cret%2Fpass-in-url@cache:6380/0")
    monkeypatch.setenv("REDIS_PASSWORD", "another-redis-password")
    settings = load_settings()
    redactor = Redactor(settings.secret_forms())
    text = redactor.scrub_text(
        "auth s3cret/pass-in-url failed; url s3cret%2Fpass-in-url; other another-redis-password"
    )
    assert "s3cret" not in text
    assert "another-redis-password" not in text
    assert "another-redis-password" not in repr(settings)
    assert "s3cret" not in repr(settings)
