"""`--data FILE`: the site survives a restart, and a kill mid-save never corrupts the file."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import store
from sandbox.app import create_app
from tests.sandbox.helpers import config, sandbox, site_of

# A child process that creates issues and saves after each one, forever, until killed.
WRITER = """
import sys
from pathlib import Path
from sandbox.app import build
from sandbox.config import SandboxConfig
from sandbox.site import Issue

site = build(SandboxConfig(data_path=Path(sys.argv[1]), clock=lambda: 1795600000.0))
template = next(site.issues())
print("ready", flush=True)
while True:
    issue_id, key = site.allocate_issue("SHOP")
    site.add_issue(template.model_copy(update={"id": issue_id, "key": key, "comments": []}))
    site.committed()
"""


@pytest.mark.anyio
async def test_writes_survive_a_restart(tmp_path: Path) -> None:
    """An issue created through the API is still there after the app is rebuilt from the file."""
    data = tmp_path / "site.json"
    first = create_app(config(data_path=data))
    async with sandbox(first) as client:
        created = await client.post(
            "/rest/api/3/issue",
            json={
                "fields": {
                    "project": {"key": "OPS"},
                    "issuetype": {"name": "Task"},
                    "summary": "Keep me",
                }
            },
        )
        await client.post(
            f"/rest/api/3/issue/{created.json()['key']}/transitions",
            json={"transition": {"id": "41"}, "fields": {"resolution": {"name": "Done"}}},
        )
    second = create_app(config(seed=99, data_path=data))
    async with sandbox(second) as client:
        issue = await client.get(f"/rest/api/3/issue/{created.json()['key']}")
    assert issue.json()["fields"]["summary"] == "Keep me"
    assert issue.json()["fields"]["resolution"]["name"] == "Done"
    assert site_of(second).data == site_of(first).data


def test_a_fresh_file_is_seeded_and_saved(tmp_path: Path) -> None:
    """Starting with a missing file seeds the site and writes it at once."""
    data = tmp_path / "site.json"
    app = create_app(config(data_path=data))
    assert store.load(data) == site_of(app).data
    assert [p.name for p in tmp_path.iterdir()] == ["site.json"]


def test_kill_between_writes_never_corrupts_the_file(tmp_path: Path) -> None:
    """A writer killed at an arbitrary moment leaves a file that loads completely."""
    data = tmp_path / "site.json"
    root = Path(__file__).resolve().parents[2]
    for _ in range(3):
        child = subprocess.Popen(  # noqa: S603 - our own interpreter running our own code
            [sys.executable, "-c", WRITER, str(data)],
            cwd=root,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        # Let it write a while: reading the file until it has grown means saves are under way.
        before = store.load(data)
        assert before is not None
        while (store.load(data) or before).next_issue_id < before.next_issue_id + 5:
            assert child.poll() is None, "the writer died on its own"
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        loaded = store.load(data)
        assert loaded is not None
        assert len(loaded.issues) == len({i.key for i in loaded.issues})
        json.loads(data.read_text())
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "site.json"]
    assert all(name.endswith(".tmp") for name in leftovers)
