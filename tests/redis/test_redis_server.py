"""The test Redis itself: started fresh, stoppable and restartable on its port."""

from __future__ import annotations

import socket

from tests.redis.redis_server import RedisServer


def _ping(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
        conn.sendall(b"PING\r\n")
        return conn.recv(16)


def test_server_answers_and_restarts_on_its_port(redis_server: RedisServer) -> None:
    """The fixture's server answers PING, refuses connections when stopped, and comes back."""
    assert _ping(redis_server.port) == b"+PONG\r\n"
    redis_server.stop()
    refused = False
    try:
        _ping(redis_server.port)
    except OSError:
        refused = True
    assert refused
    redis_server.start()
    assert _ping(redis_server.port) == b"+PONG\r\n"
