"""The /__sandbox/ control endpoint: absent unless enabled, and able to set faults."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.config import Faults, SandboxConfig
from sandbox.middleware import wrap

DEMO = ("demo@example.com", "sandbox-token")


async def myself(_: object) -> JSONResponse:
    return JSONResponse({"accountId": "x"})


def client(config: SandboxConfig, auth: tuple[str, str] | None = None) -> httpx.AsyncClient:
    app = wrap(Starlette(routes=[Route("/rest/api/3/myself", myself)]), config)
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://sandbox", auth=auth)


@pytest.mark.anyio
async def test_admin_paths_are_unknown_when_disabled() -> None:
    """Without admin_enabled the control paths are 404 like any unknown path."""
    config = SandboxConfig()
    async with client(config, DEMO) as http:
        read = await http.get("/__sandbox/faults")
        write = await http.put("/__sandbox/faults", json={"error_rate": 1.0})
        reset = await http.post("/__sandbox/faults/reset")
    assert (read.status_code, write.status_code, reset.status_code) == (404, 404, 404)
    assert config.faults == Faults()


@pytest.mark.anyio
async def test_admin_paths_need_credentials_when_disabled() -> None:
    """Without admin_enabled an anonymous probe is refused like any other path."""
    async with client(SandboxConfig()) as http:
        response = await http.get("/__sandbox/faults")
    assert response.status_code == 401


@pytest.mark.anyio
async def test_admin_shows_the_faults() -> None:
    """GET lists every fault setting with its current value."""
    config = SandboxConfig(admin_enabled=True)
    config.faults.latency = 0.5
    async with client(config) as http:
        response = await http.get("/__sandbox/faults")
    assert response.json() == {
        "error_rate": 0.0,
        "error_codes": [503],
        "error_after_write": False,
        "latency": 0.5,
        "write_latency": 0.0,
        "hang_writes": 0.0,
        "truncate_rate": 0.0,
        "storm_429": 0,
        "seed": 0,
    }


@pytest.mark.anyio
async def test_admin_sets_faults_that_then_apply() -> None:
    """PUT changes the named settings and the next requests feel them."""
    config = SandboxConfig(admin_enabled=True, rate_limit=None)
    async with client(config, DEMO) as http:
        changed = await http.put("/__sandbox/faults", json={"storm_429": 1, "error_codes": [502]})
        first = await http.get("/rest/api/3/myself")
        second = await http.get("/rest/api/3/myself")
    assert changed.json()["storm_429"] == 1
    assert config.faults.error_codes == (502,)
    assert (first.status_code, second.status_code) == (429, 200)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "body",
    [
        {"error_rate": 1.5},
        {"error_rate": "high"},
        {"latency": -1},
        {"storm_429": True},
        {"error_codes": [200]},
        {"error_after_write": 1},
        {"volume": 11},
        {"latency": 1.0, "truncate_rate": 2},
    ],
)
async def test_admin_refuses_bad_settings_and_changes_nothing(body: dict[str, object]) -> None:
    """An invalid PUT answers 400 naming the field, and no setting changes."""
    config = SandboxConfig(admin_enabled=True)
    async with client(config) as http:
        response = await http.put("/__sandbox/faults", json=body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) <= set(body)
    assert response.json()["errors"]
    assert config.faults == Faults()


@pytest.mark.anyio
async def test_admin_refuses_a_body_that_is_not_an_object() -> None:
    """A PUT whose body is not a JSON object answers 400."""
    async with client(SandboxConfig(admin_enabled=True)) as http:
        garbled = await http.put("/__sandbox/faults", content=b"{not json")
        listed = await http.put("/__sandbox/faults", json=[1])
    assert (garbled.status_code, listed.status_code) == (400, 400)


@pytest.mark.anyio
async def test_admin_reset_clears_the_faults() -> None:
    """POST /__sandbox/faults/reset returns every setting to its default."""
    config = SandboxConfig(admin_enabled=True)
    config.faults.error_rate = 0.3
    config.faults.hang_writes = 5.0
    async with client(config) as http:
        response = await http.post("/__sandbox/faults/reset")
    assert response.json()["error_rate"] == 0.0
    assert config.faults == Faults()


@pytest.mark.anyio
async def test_admin_shows_the_counters() -> None:
    """GET /__sandbox/counters reports the edge totals, admin calls not included."""
    config = SandboxConfig(admin_enabled=True)
    async with client(config, DEMO) as http:
        await http.get("/rest/api/3/myself")
        await http.get("/rest/api/3/myself", auth=None)
        counters = (await http.get("/__sandbox/counters")).json()
    assert counters["requests"] == 2
    assert counters["unauthenticated"] == 1
    assert counters["throttled"] == 0


@pytest.mark.anyio
async def test_admin_answers_405_to_other_methods() -> None:
    """A known control path with the wrong method says which methods it takes."""
    async with client(SandboxConfig(admin_enabled=True)) as http:
        response = await http.delete("/__sandbox/faults")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, PUT"
