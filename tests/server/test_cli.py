"""The command line: help everywhere, clear refusals, and `check` against real endpoints."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.processes import clean_env, free_port, run_cli, running


@pytest.mark.parametrize("command", [[], ["serve"], ["sandbox"], ["check"]])
def test_help_on_every_command(command: list[str]) -> None:
    """--help works on the program and each command."""
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert "usage:" in result.stdout


def test_no_jira_configured_shows_both_ways_forward() -> None:
    """With no JIRA_URL and no --sandbox, the server refuses and says what to do."""
    result = run_cli("serve")
    assert result.returncode == 2
    assert "JIRA_URL" in result.stderr
    assert "--sandbox" in result.stderr


def test_bad_setting_is_one_line() -> None:
    """A bad environment value stops with one line naming the variable."""
    result = run_cli("serve", "--sandbox", env=clean_env(JIRA_RATE_LIMIT="fast"))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("jira-mcp-gateway: JIRA_RATE_LIMIT:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_check_against_the_sandbox() -> None:
    """check prints the account, deployment, projects and rate-limit headroom."""
    result = run_cli("check", "--sandbox", "--projects", "SHOP,OPS")
    assert result.returncode == 0, result.stderr
    assert "Demo User" in result.stdout
    assert "(Jira Cloud)" in result.stdout
    assert "SHOP ok" in result.stdout
    assert "OPS ok" in result.stdout
    assert "Rate limit:" in result.stdout


def test_check_names_the_data_center_release_of_the_embedded_sandbox() -> None:
    """With JIRA_DEPLOYMENT=datacenter the built-in sandbox plays Data Center, and check
    names the deployment and its version."""
    result = run_cli(
        "check", "--sandbox", "--projects", "SHOP", env=clean_env(JIRA_DEPLOYMENT="datacenter")
    )
    assert result.returncode == 0, result.stderr
    assert "(Jira Data Center 10.3.4)" in result.stdout
    assert "SHOP ok" in result.stdout


def test_sandbox_server_plays_data_center_on_request() -> None:
    """`sandbox --deployment datacenter` serves Data Center; check finds it out by itself."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(
        "sandbox",
        "--port",
        str(port),
        "--deployment",
        "datacenter",
        env=clean_env(),
        probe_url=f"{base}/rest/api/2/serverInfo",
    ):
        env = clean_env(
            JIRA_URL=base, JIRA_EMAIL="demo@example.com", JIRA_API_TOKEN="sandbox-token"
        )
        result = run_cli("check", "--projects", "OPS", env=env)
    assert result.returncode == 0, result.stderr
    assert "(Jira Data Center 10.3.4)" in result.stdout
    assert "OPS ok" in result.stdout


def test_check_missing_project_fails() -> None:
    """check exits non-zero when an allowed project does not exist."""
    result = run_cli("check", "--sandbox", "--projects", "SHOP,NOPE")
    assert result.returncode == 1
    assert "NOPE MISSING" in result.stderr


def test_check_against_a_stopped_port() -> None:
    """check on a port where nothing listens says so in one line and exits 1."""
    env = clean_env(
        JIRA_URL=f"http://127.0.0.1:{free_port()}",
        JIRA_EMAIL="demo@example.com",
        JIRA_API_TOKEN="sandbox-token",
    )
    result = run_cli("check", env=env)
    assert result.returncode == 1
    assert "Could not connect" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_check_with_bad_credentials() -> None:
    """check against the sandbox server with a wrong token reports the credentials."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(
        "sandbox", "--port", str(port), env=clean_env(), probe_url=f"{base}/rest/api/2/serverInfo"
    ):
        env = clean_env(JIRA_URL=base, JIRA_EMAIL="demo@example.com", JIRA_API_TOKEN="wrong")
        result = run_cli("check", env=env)
    assert result.returncode == 1
    assert "credentials" in result.stderr
    assert "wrong" not in result.stderr.replace("wrong token", "")


def test_sandbox_prints_its_url_and_credentials() -> None:
    """The sandbox command prints its URL and the credentials it accepts."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(
        "sandbox", "--port", str(port), env=clean_env(), probe_url=f"{base}/rest/api/2/serverInfo"
    ) as output:
        pass
    assert base in output.stdout
    assert "demo@example.com" in output.stdout
    assert "sandbox-token" in output.stdout


def test_sandbox_keeps_its_site_in_the_data_file(tmp_path: Path) -> None:
    """sandbox --data FILE starts, serves, and writes the site to FILE."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp_path / "site.json"
    with running(
        "sandbox",
        "--port",
        str(port),
        "--data",
        str(data),
        env=clean_env(),
        probe_url=f"{base}/rest/api/2/serverInfo",
    ):
        pass
    assert data.is_file()
    assert "SHOP" in data.read_text(encoding="utf-8")
