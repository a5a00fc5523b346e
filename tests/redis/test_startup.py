"""Starting a replica whose REDIS_URL does not answer: one line naming REDIS_URL, exit 2."""

from __future__ import annotations

import pytest

from tests.server.processes import clean_env, free_port, run_cli


@pytest.mark.parametrize("transport", ["http", "stdio"])
def test_unreachable_redis_stops_the_start(transport: str) -> None:
    """Nothing listens at REDIS_URL: the server refuses to start, saying so in one line,
    without the password."""
    url = f"redis://:redis-secret-password@127.0.0.1:{free_port()}/0"
    env = clean_env(REDIS_URL=url)
    port = str(free_port())
    result = run_cli("serve", "--sandbox", "--transport", transport, "--port", port, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "REDIS_URL" in lines[0]
    assert "cannot reach Redis" in lines[0]
    assert "redis-secret-password" not in lines[0]
    assert "serving" not in result.stdout
