"""Jira's rate limits at the sandbox's edge: the per-credential bucket and per-issue writes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.config import BasicCredential, BearerCredential, SandboxConfig
from sandbox.limits import is_write, written_issue
from sandbox.middleware import wrap

DEMO = ("demo@example.com", "sandbox-token")
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@dataclass
class FakeIssue:
    key: str


class FakeSite:
    """Knows one issue under its id and key, like the real site's lookup."""

    def find_issue(self, id_or_key: str) -> FakeIssue | None:
        return FakeIssue("DEMO-1") if id_or_key in {"10001", "DEMO-1", "demo-1"} else None


async def ok(request: Request) -> Response:
    if request.method == "GET":
        return JSONResponse({"ok": True})
    return Response(status_code=204)


def client(config: SandboxConfig, site: object | None = None) -> httpx.AsyncClient:
    routes = [
        Route("/rest/api/3/{rest:path}", ok, methods=["GET", "POST", "PUT", "DELETE"]),
    ]
    app = wrap(Starlette(routes=routes), config, site)
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://sandbox", auth=DEMO)


def limited(clock: FakeClock, **kwargs: Any) -> SandboxConfig:
    return SandboxConfig(clock=clock, **kwargs)


@pytest.mark.anyio
async def test_burst_then_429_with_jiras_headers() -> None:
    """After the burst the next request gets 429 with Retry-After and X-RateLimit-*."""
    clock = FakeClock()
    async with client(limited(clock, rate_limit=10.0, burst=5)) as http:
        answers = [await http.get("/rest/api/3/myself") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    refused = answers[-1].headers
    assert refused["Retry-After"] == "1"
    assert refused["X-RateLimit-Limit"] == "10"
    assert refused["X-RateLimit-Remaining"] == "0"
    assert refused["X-RateLimit-Reset"] == "2026-01-01T00:00:01Z"
    assert refused["RateLimit-Reason"] == "jira-burst-based"
    assert answers[-1].json()["errorMessages"]


@pytest.mark.anyio
async def test_successful_answers_show_the_remaining_budget() -> None:
    """X-RateLimit-Limit and a falling X-RateLimit-Remaining come on every 200."""
    clock = FakeClock()
    async with client(limited(clock, rate_limit=10.0, burst=3)) as http:
        answers = [await http.get("/rest/api/3/myself") for _ in range(3)]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"10"}
    assert all("RateLimit-Reason" not in a.headers for a in answers)


@pytest.mark.anyio
async def test_bucket_refills_as_time_passes() -> None:
    """A tenth of a second at 10/s buys one request; a full second refills the burst."""
    clock = FakeClock()
    async with client(limited(clock, rate_limit=10.0, burst=10)) as http:
        for _ in range(10):
            await http.get("/rest/api/3/myself")
        assert (await http.get("/rest/api/3/myself")).status_code == 429
        clock.now += 0.1
        assert (await http.get("/rest/api/3/myself")).status_code == 200
        assert (await http.get("/rest/api/3/myself")).status_code == 429
        clock.now += 5.0
        statuses = [(await http.get("/rest/api/3/myself")).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]


@pytest.mark.anyio
async def test_retry_after_rounds_up_slow_refills() -> None:
    """At 0.25 requests per second the wait is 4 whole seconds."""
    clock = FakeClock()
    async with client(limited(clock, rate_limit=0.25, burst=1)) as http:
        await http.get("/rest/api/3/myself")
        refused = await http.get("/rest/api/3/myself")
    assert refused.headers["Retry-After"] == "4"
    assert refused.headers["X-RateLimit-Reset"] == "2026-01-01T00:00:04Z"


@pytest.mark.anyio
async def test_each_credential_has_its_own_bucket() -> None:
    """Exhausting one credential's bucket leaves another's untouched."""
    clock = FakeClock()
    creds = (BasicCredential(*DEMO), BearerCredential("pat"))
    async with client(limited(clock, burst=2, credentials=creds)) as http:
        for _ in range(3):
            await http.get("/rest/api/3/myself")
        pat = {"Authorization": "Bearer pat"}
        other = await http.get("/rest/api/3/myself", headers=pat, auth=None)
        demo = await http.get("/rest/api/3/myself")
    assert (other.status_code, demo.status_code) == (200, 429)


@pytest.mark.anyio
async def test_no_rate_limit_when_turned_off() -> None:
    """rate_limit=None lets any number of requests through, without rate headers."""
    clock = FakeClock()
    async with client(limited(clock, rate_limit=None, burst=1)) as http:
        answers = [await http.get("/rest/api/3/myself") for _ in range(50)]
    assert {a.status_code for a in answers} == {200}
    assert "X-RateLimit-Limit" not in answers[0].headers


@pytest.mark.anyio
async def test_per_issue_write_limit_hits_only_that_issue() -> None:
    """The 21st write to one issue in 2 s gets 429; other issues and reads carry on."""
    clock = FakeClock()
    async with client(limited(clock, rate_limit=None)) as http:
        writes = [await http.put("/rest/api/3/issue/DEMO-1", json={}) for _ in range(20)]
        refused = await http.post("/rest/api/3/issue/DEMO-1/comment", json={})
        other = await http.put("/rest/api/3/issue/DEMO-2", json={})
        read = await http.get("/rest/api/3/issue/DEMO-1")
    assert {w.status_code for w in writes} == {204}
    assert refused.status_code == 429
    assert refused.headers["RateLimit-Reason"] == "jira-per-issue-on-write"
    assert refused.headers["Retry-After"] == "2"
    assert refused.headers["X-RateLimit-Limit"] == "20"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", refused.headers["X-RateLimit-Reset"])
    assert (other.status_code, read.status_code) == (204, 200)


@pytest.mark.anyio
async def test_per_issue_window_slides() -> None:
    """Writes to a throttled issue are allowed again once the window has passed."""
    clock = FakeClock()
    async with client(limited(clock, rate_limit=None, per_issue_writes=(2, 2.0))) as http:
        await http.put("/rest/api/3/issue/DEMO-1", json={})
        clock.now += 1.5
        await http.put("/rest/api/3/issue/DEMO-1", json={})
        assert (await http.put("/rest/api/3/issue/DEMO-1", json={})).status_code == 429
        clock.now += 0.5
        assert (await http.put("/rest/api/3/issue/DEMO-1", json={})).status_code == 204
        assert (await http.put("/rest/api/3/issue/DEMO-1", json={})).status_code == 429


@pytest.mark.anyio
async def test_issue_id_and_key_share_a_window_when_the_site_knows_them() -> None:
    """Writes by id and by key to the same issue count together."""
    clock = FakeClock()
    config = limited(clock, rate_limit=None, per_issue_writes=(2, 2.0))
    async with client(config, FakeSite()) as http:
        await http.put("/rest/api/3/issue/10001", json={})
        await http.delete("/rest/api/3/issue/demo-1")
        refused = await http.put("/rest/api/3/issue/DEMO-1", json={})
    assert refused.status_code == 429


@pytest.mark.anyio
async def test_read_only_posts_are_not_issue_writes() -> None:
    """bulkfetch, search and parse POSTs never trip the per-issue limit."""
    clock = FakeClock()
    config = limited(clock, rate_limit=None, per_issue_writes=(1, 2.0))
    async with client(config) as http:
        paths = ["/rest/api/3/issue/bulkfetch", "/rest/api/3/search/jql", "/rest/api/3/jql/parse"]
        answers = [await http.post(p, json={}) for p in paths for _ in range(3)]
    assert {a.status_code for a in answers} == {204}


@pytest.mark.parametrize(
    ("method", "path", "write", "issue"),
    [
        ("PUT", "/rest/api/3/issue/DEMO-1", True, "DEMO-1"),
        ("POST", "/rest/api/3/issue/DEMO-1/transitions", True, "DEMO-1"),
        ("DELETE", "/rest/api/2/issue/10001", True, "10001"),
        ("POST", "/rest/api/3/issue", True, None),
        ("POST", "/rest/api/3/issue/bulkfetch", False, None),
        ("POST", "/rest/api/3/search/jql", False, None),
        ("POST", "/rest/api/3/search/approximate-count", False, None),
        ("POST", "/rest/api/3/jql/parse", False, None),
        ("GET", "/rest/api/3/issue/DEMO-1", False, None),
    ],
)
def test_which_requests_are_writes(method: str, path: str, write: bool, issue: str | None) -> None:
    """Writes are POST/PUT/DELETE that change data; only those naming an issue count for it."""
    assert is_write(method, path) is write
    assert written_issue(method, path) == issue


@pytest.mark.anyio
async def test_counters_total_requests_and_429s() -> None:
    """The counters say how many requests came and how many were throttled, and why."""
    clock = FakeClock()
    config = limited(clock, burst=3, per_issue_writes=(1, 2.0))
    async with client(config) as http:
        await http.put("/rest/api/3/issue/DEMO-1", json={})
        await http.put("/rest/api/3/issue/DEMO-1", json={})
        for _ in range(3):
            await http.get("/rest/api/3/myself")
    counters = config.counters
    assert (counters.requests, counters.throttled_burst, counters.throttled_per_issue) == (5, 2, 1)
    assert counters.throttled == 3


@pytest.mark.anyio
async def test_busiest_second_counts_admitted_requests_in_any_one_second() -> None:
    """busiest_second is the most requests the bucket let through within one second; refused
    ones and requests a second apart do not add up."""
    clock = FakeClock()
    config = limited(clock, rate_limit=10.0, burst=4)
    async with client(config) as http:
        for _ in range(6):  # 4 pass, 2 are refused
            await http.get("/rest/api/3/myself")
        clock.now += 0.5
        for _ in range(5):  # the bucket is full again (4): 4 more pass in the same second
            await http.get("/rest/api/3/myself")
        clock.now += 1.0
        await http.get("/rest/api/3/myself")
    assert config.counters.throttled_burst == 3
    assert config.counters.busiest_second == 8


@pytest.mark.anyio
async def test_data_center_speaks_its_own_rate_limit_headers() -> None:
    """Data Center's bucket: its size, fill rate and interval on every answer; a 429 with
    Retry-After and none of Cloud's reason or reset headers; no per-issue write window."""
    clock = FakeClock()
    config = limited(clock, rate_limit=2.0, burst=3, deployment="datacenter")
    async with client(config) as http:
        answers = [await http.get("/rest/api/3/myself") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    first, refused = answers[0].headers, answers[-1].headers
    assert first["X-RateLimit-Limit"] == "3"
    assert first["X-RateLimit-Remaining"] == "2"
    assert first["X-RateLimit-FillRate"] == "2"
    assert first["X-RateLimit-Interval-Seconds"] == "1"
    assert refused["Retry-After"] == "1"
    assert refused["X-RateLimit-Remaining"] == "0"
    assert "RateLimit-Reason" not in refused
    assert "X-RateLimit-Reset" not in refused


@pytest.mark.anyio
async def test_data_center_has_no_per_issue_write_window() -> None:
    """Writes to one issue are limited by the user's bucket alone on Data Center."""
    clock = FakeClock()
    config = limited(clock, rate_limit=None, per_issue_writes=(2, 2.0), deployment="datacenter")
    async with client(config) as http:
        answers = [await http.put("/rest/api/3/issue/DEMO-1", json={}) for _ in range(5)]
    assert {a.status_code for a in answers} == {204}
