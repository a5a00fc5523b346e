"""Injected faults: seeded errors, errors after a write, truncation, 429 storms, delays."""

from __future__ import annotations

import json

import anyio
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from sandbox.config import Faults, SandboxConfig
from sandbox.faults import FaultMiddleware
from sandbox.middleware import wrap
from tests.gateway.fakes import FakeClock

DEMO = ("demo@example.com", "sandbox-token")


class Tracker:
    """A tiny Jira: reads an issue, edits it, creates one; remembers every write."""

    def __init__(self) -> None:
        self.writes: list[str] = []

    async def issue(self, request: Request) -> Response:
        key = request.path_params["key"]
        if request.method == "PUT":
            self.writes.append(key)
            return Response(status_code=204)
        return JSONResponse({"id": "10001", "key": key, "fields": {"summary": "A" * 200}})

    async def create(self, request: Request) -> Response:
        self.writes.append("new")
        return JSONResponse({"id": "10002", "key": "DEMO-2"}, status_code=201)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/rest/api/3/issue/{key}", self.issue, methods=["GET", "PUT"]),
                Route("/rest/api/3/issue", self.create, methods=["POST"]),
            ]
        )


def client(app: ASGIApp) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://sandbox", auth=DEMO)


def sandbox(faults: Faults, tracker: Tracker | None = None) -> httpx.AsyncClient:
    config = SandboxConfig(rate_limit=None, faults=faults)
    return client(wrap((tracker or Tracker()).app(), config))


class FakeSleep:
    """Records the delays asked for instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


async def statuses(faults: Faults, count: int) -> list[int]:
    async with sandbox(faults) as http:
        return [(await http.get("/rest/api/3/issue/DEMO-1")).status_code for _ in range(count)]


@pytest.mark.anyio
async def test_error_rate_is_deterministic_for_a_seed() -> None:
    """The same seed fails the same requests; the failures are about the rate asked for."""
    first = await statuses(Faults(error_rate=0.3, seed=11), 200)
    again = await statuses(Faults(error_rate=0.3, seed=11), 200)
    other = await statuses(Faults(error_rate=0.3, seed=12), 200)
    assert first == again
    assert first != other
    assert set(first) == {200, 503}
    assert 40 <= first.count(503) <= 80


@pytest.mark.anyio
async def test_setting_the_seed_replays_the_sequence() -> None:
    """Setting the seed on a live Faults object restarts its sequence of draws."""
    faults = Faults(error_rate=0.5, seed=3)
    async with sandbox(faults) as http:
        first = [(await http.get("/rest/api/3/issue/DEMO-1")).status_code for _ in range(20)]
        faults.seed = 3
        again = [(await http.get("/rest/api/3/issue/DEMO-1")).status_code for _ in range(20)]
    assert first == again


@pytest.mark.anyio
async def test_injected_errors_use_the_chosen_codes_and_jiras_body() -> None:
    """Errors come from error_codes; 503 carries Retry-After, all carry an ErrorCollection."""
    faults = Faults(error_rate=1.0, error_codes=(500, 503), seed=1)
    async with sandbox(faults) as http:
        answers = [await http.get("/rest/api/3/issue/DEMO-1") for _ in range(20)]
    assert {a.status_code for a in answers} == {500, 503}
    assert all(a.headers.get("Retry-After") == "1" for a in answers if a.status_code == 503)
    assert all("Retry-After" not in a.headers for a in answers if a.status_code == 500)
    assert all(set(a.json()) == {"errorMessages", "errors"} for a in answers)


@pytest.mark.anyio
async def test_plain_error_happens_before_the_write() -> None:
    """Without error_after_write a failed write did not happen."""
    tracker = Tracker()
    async with sandbox(Faults(error_rate=1.0), tracker) as http:
        response = await http.put("/rest/api/3/issue/DEMO-1", json={})
    assert response.status_code == 503
    assert tracker.writes == []


@pytest.mark.anyio
async def test_error_after_write_performs_the_write_then_fails() -> None:
    """The ambiguous case: the client sees 503 but the issue was created."""
    tracker = Tracker()
    faults = Faults(error_rate=1.0, error_after_write=True)
    async with sandbox(faults, tracker) as http:
        response = await http.post("/rest/api/3/issue", json={"fields": {}})
    assert response.status_code == 503
    assert tracker.writes == ["new"]


@pytest.mark.anyio
async def test_truncated_body_is_invalid_json_with_a_matching_length() -> None:
    """A truncated 200 cannot be parsed, and its Content-Length counts the bytes sent."""
    async with sandbox(Faults(truncate_rate=1.0)) as http:
        response = await http.get("/rest/api/3/issue/DEMO-1")
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(response.content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


@pytest.mark.anyio
async def test_truncation_leaves_other_answers_whole() -> None:
    """Only 200 JSON answers are cut: a 201 and a 204 arrive intact."""
    async with sandbox(Faults(truncate_rate=1.0)) as http:
        created = await http.post("/rest/api/3/issue", json={})
        edited = await http.put("/rest/api/3/issue/DEMO-1", json={})
    assert created.json() == {"id": "10002", "key": "DEMO-2"}
    assert (edited.status_code, edited.content) == (204, b"")


@pytest.mark.anyio
async def test_storm_429_refuses_the_next_n_requests() -> None:
    """storm_429=3 answers exactly three 429s with Retry-After, then traffic flows."""
    faults = Faults(storm_429=3)
    config = SandboxConfig(faults=faults)
    async with client(wrap(Tracker().app(), config)) as http:
        answers = [await http.get("/rest/api/3/issue/DEMO-1") for _ in range(5)]
    assert [a.status_code for a in answers] == [429, 429, 429, 200, 200]
    assert answers[0].headers["Retry-After"] == "1"
    assert answers[0].headers["RateLimit-Reason"] == "jira-burst-based"
    assert answers[0].headers["X-RateLimit-Remaining"] == "0"
    assert (faults.storm_429, config.counters.storm_429) == (0, 3)


@pytest.mark.anyio
async def test_latency_delays_every_answer() -> None:
    """Every request waits `latency` seconds before its answer."""
    sleep = FakeSleep()
    config = SandboxConfig(faults=Faults(latency=0.25))
    app = FaultMiddleware(Tracker().app(), config, sleep=sleep)
    async with client(app) as http:
        await http.get("/rest/api/3/issue/DEMO-1")
        await http.put("/rest/api/3/issue/DEMO-1", json={})
    assert sleep.delays == [0.25, 0.25]


@pytest.mark.anyio
async def test_hang_writes_holds_the_answer_after_the_write() -> None:
    """A write is done before its answer is held; reads are not held."""
    tracker = Tracker()
    seen_when_held: list[list[str]] = []

    async def sleep(seconds: float) -> None:
        seen_when_held.append(list(tracker.writes))

    config = SandboxConfig(faults=Faults(hang_writes=30.0))
    async with client(FaultMiddleware(tracker.app(), config, sleep=sleep)) as http:
        await http.get("/rest/api/3/issue/DEMO-1")
        edited = await http.put("/rest/api/3/issue/DEMO-1", json={})
    assert edited.status_code == 204
    assert seen_when_held == [["DEMO-1"]]
    assert config.counters.hung_writes == 1


@pytest.mark.anyio
async def test_client_gives_up_on_a_hung_write_that_happened() -> None:
    """A client that stops waiting gets no answer, yet the write has been made."""
    tracker = Tracker()
    held = anyio.Event()

    async def sleep(seconds: float) -> None:
        held.set()
        await anyio.sleep_forever()

    config = SandboxConfig(faults=Faults(hang_writes=60.0))
    answers: list[httpx.Response] = []
    http = client(FaultMiddleware(tracker.app(), config, sleep=sleep))

    async def write() -> None:
        answers.append(await http.put("/rest/api/3/issue/DEMO-1", json={}))

    async with http, anyio.create_task_group() as tasks:
        tasks.start_soon(write)
        await held.wait()
        tasks.cancel_scope.cancel()  # the client's timeout firing
    assert answers == []
    assert tracker.writes == ["DEMO-1"]


def test_reset_clears_every_fault() -> None:
    """reset() returns a Faults object to no faults at all."""
    faults = Faults(error_rate=0.5, error_codes=(500,), latency=1.0, storm_429=4, seed=9)
    faults.reset()
    assert faults == Faults()


@pytest.mark.anyio
async def test_slow_write_lands_although_the_client_gave_up() -> None:
    """write_latency past the client's timeout: the client times out, the write still happens."""
    tracker = Tracker()
    clock = FakeClock()
    config = SandboxConfig(rate_limit=None, faults=Faults(write_latency=3.0), sleep=clock.sleep)
    async with client(wrap(tracker.app(), config)) as http:
        read = await http.get("/rest/api/3/issue/DEMO-1")
        with pytest.raises(TimeoutError), clock.timeout(1.0):
            await http.post("/rest/api/3/issue", json={"fields": {}})
    assert read.status_code == 200
    assert clock.slept == [3.0]
    assert tracker.writes == ["new"]
