"""Bulk fetch: batches of 100, concurrent, results in the order asked, errors reported."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from server.errors import BadRequest
from tests.gateway.conftest import JIRA, GatewayFactory

pytestmark = pytest.mark.anyio

BULK = f"{JIRA}/rest/api/3/issue/bulkfetch"


def _issue(key: str, project: str | None = None) -> dict[str, object]:
    number = int(key.split("-")[1])
    return {
        "id": str(10_000 + number),
        "key": key,
        "fields": {
            "summary": f"Issue {key}",
            "project": {"key": project or key.split("-", maxsplit=1)[0]},
        },
    }


def _answer(request: httpx.Request) -> httpx.Response:
    """Jira's answer: every asked key except multiples of 7, in reverse order."""
    asked = json.loads(request.content)["issueIdsOrKeys"]
    found = [_issue(k) for k in asked if int(k.split("-")[1]) % 7]
    missing = [k for k in asked if not int(k.split("-")[1]) % 7]
    errors = [{"errorMessages": [f"Issue {k} not found"]} for k in missing]
    return httpx.Response(200, json={"issues": found[::-1], "issueErrors": errors})


async def test_batches_of_100_in_the_order_asked(open_gateway: GatewayFactory) -> None:
    """250 keys go out as 3 requests of at most 100, and come back in the order asked."""
    keys = [f"PROJ-{n}" for n in range(250, 0, -1)]
    batches: list[int] = []
    with respx.mock:
        route = respx.post(BULK).mock(side_effect=_answer)
        async with open_gateway() as gateway:
            result = await gateway.bulk_fetch(keys, fields=["summary"])
    for call in route.calls:
        batches.append(len(json.loads(call.request.content)["issueIdsOrKeys"]))
    assert sorted(batches) == [50, 100, 100]
    expected = [k for k in keys if int(k.split("-")[1]) % 7]
    assert [i["key"] for i in result.issues] == expected
    assert result.not_found == [k for k in keys if not int(k.split("-")[1]) % 7]
    assert len(result.errors) == len(result.not_found)


async def test_duplicates_and_case_are_folded(open_gateway: GatewayFactory) -> None:
    """The same key asked twice, in any case, is fetched once and returned once."""
    with respx.mock:
        route = respx.post(BULK).mock(side_effect=_answer)
        async with open_gateway() as gateway:
            result = await gateway.bulk_fetch(["proj-1", "PROJ-1", "PROJ-2"], fields=["summary"])
    asked = json.loads(route.calls[0].request.content)["issueIdsOrKeys"]
    assert asked == ["PROJ-1", "PROJ-2"]
    assert [i["key"] for i in result.issues] == ["PROJ-1", "PROJ-2"]


async def test_project_field_always_requested(open_gateway: GatewayFactory) -> None:
    """The project comes back even when not asked, so scope can be checked on every issue."""
    with respx.mock:
        route = respx.post(BULK).mock(side_effect=_answer)
        async with open_gateway(jira_projects="PROJ") as gateway:
            await gateway.bulk_fetch(["PROJ-1"], fields=["summary"])
    assert "project" in json.loads(route.calls[0].request.content)["fields"]


async def test_out_of_scope_keys_denied_before_sending(open_gateway: GatewayFactory) -> None:
    """Keys of a forbidden project are denied and never sent to Jira."""
    with respx.mock:
        route = respx.post(BULK).mock(side_effect=_answer)
        async with open_gateway(jira_projects="PROJ") as gateway:
            result = await gateway.bulk_fetch(["SECRET-1", "PROJ-1"], fields=["summary"])
    asked = json.loads(route.calls[0].request.content)["issueIdsOrKeys"]
    assert asked == ["PROJ-1"]
    assert result.denied == ["SECRET-1"]
    assert [i["key"] for i in result.issues] == ["PROJ-1"]


async def test_moved_issue_withheld_by_returned_project(open_gateway: GatewayFactory) -> None:
    """An issue whose key looks allowed but that now lives elsewhere reads as missing."""
    with respx.mock:
        respx.post(BULK).mock(
            return_value=httpx.Response(200, json={"issues": [_issue("PROJ-3", "SECRET")]})
        )
        async with open_gateway(jira_projects="PROJ") as gateway:
            result = await gateway.bulk_fetch(["PROJ-3"], fields=["summary"])
    assert result.issues == []
    assert result.not_found == ["PROJ-3"]
    assert result.denied == []


async def test_progress_reported_per_batch(open_gateway: GatewayFactory) -> None:
    """The progress callback runs once per batch with the batch total."""
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    with respx.mock:
        respx.post(BULK).mock(side_effect=_answer)
        async with open_gateway() as gateway:
            await gateway.bulk_fetch(
                [f"PROJ-{n}" for n in range(1, 202)], fields=["summary"], on_batch=progress
            )
    assert seen == [(1, 3), (2, 3), (3, 3)]


async def test_failed_batch_raises_the_jira_error(open_gateway: GatewayFactory) -> None:
    """A batch that keeps failing surfaces as its JiraError, not as an exception group."""
    with respx.mock:
        respx.post(BULK).mock(return_value=httpx.Response(400, json={"errorMessages": ["bad"]}))
        async with open_gateway() as gateway:
            with pytest.raises(BadRequest, match="bad"):
                await gateway.bulk_fetch([f"PROJ-{n}" for n in range(1, 202)], fields=["summary"])


async def test_remembered_projects_are_bounded(
    open_gateway: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the bound the oldest issue is forgotten, and a read of it is checked by a read."""
    monkeypatch.setattr("server.gateway.guard.REMEMBERED", 4)
    with respx.mock:
        respx.post(BULK).mock(side_effect=_answer)
        read = respx.get(f"{JIRA}/rest/api/3/issue/PROJ-3").mock(
            return_value=httpx.Response(200, json=_issue("PROJ-3"))
        )
        fresh = respx.get(f"{JIRA}/rest/api/3/issue/PROJ-1").mock(
            return_value=httpx.Response(200, json=_issue("PROJ-1"))
        )
        async with open_gateway(jira_projects="PROJ") as gateway:
            # Jira answers PROJ-3 first (see _answer), so PROJ-3's key and id are the oldest.
            await gateway.bulk_fetch(["PROJ-1", "PROJ-2", "PROJ-3"], fields=["summary"])
            await gateway.http.guard.require_issue("PROJ-1", fresh=False)
            assert read.call_count == 0
            await gateway.http.guard.require_issue("PROJ-3", fresh=False)
            assert read.call_count == 1
            # A write never relies on remembered reads: it reads the issue afresh.
            await gateway.http.guard.require_issue("PROJ-1", fresh=True)
    assert read.call_count == 1
    assert fresh.call_count == 1
