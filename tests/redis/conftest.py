"""The Redis tests' server: a real redis-server per test, or one line saying how to get it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.redis.redis_server import INSTALL_HINT, RedisServer, redis_required, redis_server_path

_skipped: list[str] = []


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A fresh redis-server on a free port, stopped after the test."""
    executable = redis_server_path()
    if executable is None:
        if redis_required():
            pytest.fail(f"{INSTALL_HINT} (REQUIRE_REDIS is set: Redis tests may not skip here)")
        _skipped.append(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    server = RedisServer(executable)
    server.start()
    try:
        yield server
    finally:
        server.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line for all the Redis tests skipped, however many there were."""
    if _skipped:
        terminalreporter.write_line(f"{len(_skipped)} Redis tests skipped: {INSTALL_HINT}")
