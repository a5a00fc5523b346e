"""Serving the sandbox over HTTP: loopback only, and a banner saying how to log in."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import uvicorn

from sandbox.serve import banner, main, serve

ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - the address these tests expect to be refused


@pytest.mark.parametrize("host", [ALL_INTERFACES, "192.168.1.10", "::", "example.com"])
def test_serve_refuses_a_non_loopback_host(host: str) -> None:
    """Any host but loopback is refused with a message saying why."""
    with pytest.raises(ValueError, match=r"only listens on 127\.0\.0\.1"):
        serve(host=host)


def test_command_line_refuses_a_non_loopback_host(capsys: pytest.CaptureFixture[str]) -> None:
    """The command exits with a usage error naming the refused host."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--host", ALL_INTERFACES])
    assert exit_info.value.code == 2
    assert "'0.0.0.0'" in capsys.readouterr().err


def test_banner_gives_the_url_and_credentials() -> None:
    """The first line says where the sandbox is and which email and token it accepts."""
    lines = banner(8080, "demo@example.com", "sandbox-token", admin=False)
    assert lines[0] == (
        "Jira sandbox at http://127.0.0.1:8080  (email demo@example.com, API token sandbox-token)"
    )
    assert not any("__sandbox" in line for line in lines)


def test_banner_mentions_fault_controls_when_enabled() -> None:
    """With admin on, the banner points at the fault endpoint."""
    lines = banner(9000, "a@b.c", "t", admin=True)
    assert "http://127.0.0.1:9000/__sandbox/faults" in lines[1]


class FakeRun:
    """Stands in for uvicorn.run: keeps what it was given, or acts out a Ctrl-C."""

    def __init__(self, interrupt: bool = False) -> None:
        self.interrupt = interrupt
        self.calls: list[tuple[Any, dict[str, Any]]] = []

    def __call__(self, app: Any, **options: Any) -> None:
        self.calls.append((app, options))
        if self.interrupt:
            raise KeyboardInterrupt


@pytest.mark.anyio
async def test_serve_runs_the_sandbox_on_loopback_with_the_given_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """serve() prints its URL, binds 127.0.0.1 and accepts exactly the email and token given."""
    run = FakeRun()
    monkeypatch.setattr(uvicorn, "run", run)
    serve(port=8123, email="me@example.com", token="t0ken")
    assert capsys.readouterr().out.splitlines()[0] == (
        "Jira sandbox at http://127.0.0.1:8123  (email me@example.com, API token t0ken)"
    )
    app, options = run.calls[0]
    assert (options["host"], options["port"]) == ("127.0.0.1", 8123)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8123") as http:
        mine = await http.get("/rest/api/3/myself", auth=("me@example.com", "t0ken"))
        demo = await http.get("/rest/api/3/myself", auth=("demo@example.com", "sandbox-token"))
    assert (mine.status_code, demo.status_code) == (200, 401)


def test_serve_stops_quietly_on_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    """An interrupt while serving ends serve() without a traceback."""
    run = FakeRun(interrupt=True)
    monkeypatch.setattr(uvicorn, "run", run)
    serve()
    assert len(run.calls) == 1
