"""The README's generated tables, the Dockerfile's promises, and the CI entry point."""

from __future__ import annotations

import io
import re
from pathlib import Path

from dockerfile_parse import DockerfileParser

from server.config import Settings
from server.readme import README, render
from tools import all_tools

ROOT = Path(__file__).resolve().parents[2]


def test_readme_tables_are_current() -> None:
    """The configuration and tool tables match the code (run `python -m server.readme`)."""
    current = README.read_text(encoding="utf-8")
    assert current == render(current), "README.md is out of date: run python -m server.readme"


def test_readme_lists_every_setting_and_tool() -> None:
    """Every environment variable and every tool appears in the README."""
    text = README.read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`{name.upper()}`" in text
    for spec in all_tools():
        assert f"`{spec.name}`" in text


def test_readme_first_screen_shows_the_two_commands() -> None:
    """The two commands are in the README's first 15 lines."""
    head = "\n".join(README.read_text(encoding="utf-8").splitlines()[:15])
    assert "make run" in head
    assert "make test" in head


def _dockerfile() -> DockerfileParser:
    return DockerfileParser(fileobj=io.BytesIO((ROOT / "Dockerfile").read_bytes()))


def test_docker_runs_as_non_root() -> None:
    """The image's last USER is not root."""
    users = [i["value"] for i in _dockerfile().structure if i["instruction"] == "USER"]
    assert users
    assert users[-1] not in ("root", "0")


def test_docker_entrypoint_is_the_console_script() -> None:
    """The image runs the server's console script, stdio unless told otherwise."""
    parser = _dockerfile()
    entrypoints = [i["value"] for i in parser.structure if i["instruction"] == "ENTRYPOINT"]
    assert entrypoints == ['["jira-mcp-gateway"]']
    assert parser.envs.get("MCP_TRANSPORT") == "stdio"
    healthchecks = [i for i in parser.structure if i["instruction"] == "HEALTHCHECK"]
    assert healthchecks


def test_docker_bakes_in_no_secret() -> None:
    """No token, password or credential is set in the image."""
    parser = _dockerfile()
    secret = re.compile(r"TOKEN|PAT$|PASSWORD|SECRET|API_KEY", re.IGNORECASE)
    assert not [name for name in parser.envs if secret.search(name)]
    assert not [i for i in parser.structure if i["instruction"] == "ARG"]
    copied = " ".join(i["value"] for i in parser.structure if i["instruction"] in ("COPY", "ADD"))
    assert ".env" not in copied.split()


def _make_rules() -> dict[str, tuple[list[str], list[str]]]:
    """Each Makefile target: (its prerequisites, its recipe lines), variables left unexpanded."""
    rules: dict[str, tuple[list[str], list[str]]] = {}
    target = ""
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        rule = re.match(r"^([^\s:=#]+|\$\([A-Z_]+\)):(?!=)(.*)$", line)
        if rule:
            target = rule.group(1)
            rules[target] = (rule.group(2).split(), [])
        elif line.startswith("\t") and target:
            rules[target][1].append(line.strip())
        elif not line.strip() or not line.startswith("\t"):
            target = ""
    return rules


def test_docker_installs_only_what_serving_needs() -> None:
    """The image runs `make install-team`: the package and Redis's client, no test extra;
    `make run` installs only the package."""
    parser = _dockerfile()
    runs = [i["value"] for i in parser.structure if i["instruction"] == "RUN"]
    assert "make install-team" in runs
    rules = _make_rules()
    (stamp,) = rules["install"][0]
    (team_stamp,) = rules["install-team"][0]
    installs = " ".join(rules[stamp][1] + rules[team_stamp][1])
    assert "pip install" in installs
    assert "[team]" in installs
    assert "test" not in installs
    assert rules["run"][0] == [stamp]
    copied = " ".join(i["value"] for i in parser.structure if i["instruction"] == "COPY")
    assert "tests" not in copied.split()


def test_make_test_installs_the_test_tooling() -> None:
    """Every checking target needs the test and team extras (the Redis code is checked too);
    CI installs redis-server, requires the Redis tests, and runs `make test`."""
    rules = _make_rules()
    for target in ("lint", "types", "unit", "conformance"):
        (stamp,) = rules[target][0]
        assert ".[test,team]" in " ".join(rules[stamp][1]), target
    assert rules["test"][0] == ["check", "unit", "conformance"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
    assert "apt-get install" in ci
    assert "redis-server" in ci
    assert "export REQUIRE_REDIS=1" in ci


def test_docker_healthcheck_is_the_module_that_reads_the_serving_record() -> None:
    """The HEALTHCHECK runs server.healthcheck, which follows flags and environment alike."""
    healthchecks = [
        i["value"] for i in _dockerfile().structure if i["instruction"] == "HEALTHCHECK"
    ]
    assert len(healthchecks) == 1
    assert '"-m", "server.healthcheck"' in healthchecks[0]
