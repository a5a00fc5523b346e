"""A misbehaving Jira on 127.0.0.1: a real socket server, so the whole HTTP stack runs.

respx would hand httpx a finished body; here the bytes cross a real socket, gzip is decoded
by httpx as it streams, and a client that stops reading closes a real connection. The
server runs in a thread, so the event loop of the test (or of the gateway) stays free.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MIB = 1024 * 1024
GIB = 1024 * MIB
_BLOCK = MIB


@dataclass(frozen=True)
class Answer:
    """What the fake sends: status, headers, and the body in chunks (sent as they come)."""

    status: int
    headers: dict[str, str]
    chunks: Iterable[bytes]
    length: int | None = None  # Content-Length when known; otherwise chunked


Route = Callable[[str, str, bytes], Answer | None]


@dataclass
class HostileJira:
    """The routes the fake answers, and every request it saw ("METHOD path")."""

    routes: list[Route] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, method: str, path: str, body: bytes) -> Answer:
        """The first route's answer; Jira's harmless defaults otherwise."""
        with self.lock:
            self.requests.append(f"{method} {path.split('?', 1)[0]}")
        for route in self.routes:
            found = route(method, path, body)
            if found is not None:
                return found
        if path.startswith("/rest/api/3/field"):
            return json_answer([])
        if path.startswith(("/rest/api/2/serverInfo", "/rest/api/3/serverInfo")):
            return json_answer({"deploymentType": "Cloud", "version": "1001.0.0"})
        return json_answer({"errorMessages": [f"no route for {method} {path}"]}, status=404)

    def count(self, request: str) -> int:
        """How many times ``request`` ("METHOD path") was received."""
        with self.lock:
            return self.requests.count(request)


def json_answer(payload: Any, status: int = 200) -> Answer:
    """A plain JSON answer with its Content-Length."""
    data = json.dumps(payload).encode()
    return Answer(status, {"Content-Type": "application/json"}, [data], len(data))


def gzip_bomb(inflated: int) -> Answer:
    """A gzip answer that inflates to ``inflated`` zero bytes (about 1/1000 of that on the wire)."""
    return Answer(
        200,
        {"Content-Type": "application/json", "Content-Encoding": "gzip"},
        gzip_zeros(inflated),
    )


def gzip_zeros(inflated: int) -> Iterator[bytes]:
    """A valid gzip stream of ``inflated`` zero bytes, made block by block.

    A full flush resets the compressor, so every 1 MiB block after the first compresses to
    the same bytes: the stream is produced without ever holding the inflated data.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    yield compressor.flush(zlib.Z_FULL_FLUSH)  # the gzip header
    full_block: bytes | None = None
    crc = 0
    left = inflated
    while left > 0:
        block = bytes(min(_BLOCK, left))
        crc = zlib.crc32(block, crc)
        if full_block is not None and len(block) == _BLOCK:
            yield full_block
        else:
            out = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
            if len(block) == _BLOCK:
                full_block = out
            yield out
        left -= len(block)
    # An empty final block, then the trailer: CRC-32 and size of everything inflated.
    yield b"\x03\x00" + crc.to_bytes(4, "little") + (inflated % 2**32).to_bytes(4, "little")


def big_json(size: int, *, chunked: bool) -> Answer:
    """A search answer of about ``size`` bytes (one issue with a huge summary)."""
    head = b'{"isLast": true, "issues": [{"id": "1", "key": "PROJ-1", "fields": {"summary": "'
    tail = b'"}}]}'
    filler = size - len(head) - len(tail)

    def chunks() -> Iterator[bytes]:
        yield head
        left = filler
        while left > 0:
            step = min(_BLOCK, left)
            yield b"x" * step
            left -= step
        yield tail

    length = None if chunked else size
    return Answer(200, {"Content-Type": "application/json"}, chunks(), length)


def issues_page(count: int, *, project: str = "PROJ") -> Answer:
    """A search or sprint page of ``count`` issues, whatever was asked."""
    issues = [
        {
            "id": str(10000 + n),
            "key": f"{project}-{n}",
            "fields": {"summary": f"issue {n}", "project": {"id": "1", "key": project}},
        }
        for n in range(1, count + 1)
    ]
    return json_answer({"issues": issues, "isLast": True, "total": count, "startAt": 0})


def _handler(fake: HostileJira) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
            answer = fake.answer(method, self.path, body)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.length is None:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(answer.length))
            self.end_headers()
            try:
                self._write(answer)
            except (BrokenPipeError, ConnectionResetError):
                # The client stopped reading, which is what a capped client does.
                self.close_connection = True

        def _write(self, answer: Answer) -> None:
            for chunk in answer.chunks:
                if answer.length is None:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                else:
                    self.wfile.write(chunk)
            if answer.length is None:
                self.wfile.write(b"0\r\n\r\n")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # stdlib name
            """Silence the per-request access log."""

    return Handler


@contextmanager
def serving(fake: HostileJira) -> Iterator[str]:
    """Serve ``fake`` on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
