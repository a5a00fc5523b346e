"""Data Center's own shapes in the sandbox: version, history, create metadata, sprints, files."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sandbox.app import create_app
from sandbox.middleware import SandboxEdges
from sandbox.seed_deep import DEEP, DEEP_CHANGES
from server.gateway.dc_sprints import sprint_object
from tests.sandbox.helpers import config, sandbox, site_of

pytestmark = pytest.mark.anyio

SHOP_PNG = 30001


def datacenter(version: str = "10.3.4") -> SandboxEdges:
    """A sandbox playing Jira Data Center of ``version``."""
    return create_app(replace(config(), deployment="datacenter", datacenter_version=version))


@pytest.mark.parametrize(("version", "numbers"), [("9.12.15", [9, 12, 15]), ("10.3.4", [10, 3, 4])])
async def test_server_info_reports_the_configured_version(version: str, numbers: list[int]) -> None:
    """serverInfo says the release the sandbox was told to play, 9.x or 10.x."""
    async with sandbox(datacenter(version)) as client:
        info = (await client.get("/rest/api/2/serverInfo")).json()
    assert (info["version"], info["versionNumbers"]) == (version, numbers)


async def test_history_comes_with_the_issue_not_from_a_changelog_path() -> None:
    """/issue/{key}/changelog is not found; expand=changelog carries every entry."""
    async with sandbox(datacenter()) as client:
        gone = await client.get(f"/rest/api/2/issue/{DEEP}/changelog")
        issue = await client.get(
            f"/rest/api/2/issue/{DEEP}", params={"fields": "project", "expand": "changelog"}
        )
    assert gone.status_code == 404
    history = issue.json()["changelog"]
    assert (history["startAt"], history["total"]) == (0, DEEP_CHANGES)
    assert len(history["histories"]) == DEEP_CHANGES
    assert issue.json()["self"].startswith("http://sandbox/rest/api/2/")


@pytest.mark.parametrize("path", ["issuetypes", "issuetypes/10001"])
async def test_create_metadata_is_a_page_of_values(path: str) -> None:
    """Both create-metadata reads page their items as ``values`` with ``isLast``."""
    async with sandbox(datacenter()) as client:
        page = (await client.get(f"/rest/api/2/issue/createmeta/SHOP/{path}")).json()
    assert page["values"]
    assert page["isLast"] is True
    assert "issueTypes" not in page
    assert "fields" not in page


async def test_sprint_field_holds_the_sprints_as_text() -> None:
    """The Sprint field lists each sprint as its bean's text, which reads back to the sprint."""
    app = datacenter()
    site = site_of(app)
    issue = next(i for i in site.issues() if i.sprints)
    sprint = site.sprints[issue.sprints[0]]
    async with sandbox(app) as client:
        data = (await client.get(f"/rest/api/2/issue/{issue.key}")).json()
    [field] = [f.id for f in site.data.fields if f.name == "Sprint"]
    texts = data["fields"][field]
    assert all(t.startswith("com.atlassian.greenhopper.service.sprint.Sprint@") for t in texts)
    read = sprint_object(texts[0])
    assert read is not None
    assert (read["id"], read["name"], read["state"], read["boardId"]) == (
        sprint.id,
        sprint.name,
        sprint.state,
        sprint.board_id,
    )


async def test_attachment_content_is_served_at_its_secure_link() -> None:
    """The metadata's content link is /secure/attachment/{id}/{name} and serves the bytes;
    there is no REST content endpoint."""
    app = datacenter()
    async with sandbox(app) as client:
        meta = (await client.get(f"/rest/api/2/attachment/{SHOP_PNG}")).json()
        link = meta["content"].removeprefix("http://sandbox")
        content = await client.get(link)
        renamed = await client.get(f"/secure/attachment/{SHOP_PNG}/other-name.png")
        rest = await client.get(f"/rest/api/2/attachment/content/{SHOP_PNG}")
    assert link.startswith(f"/secure/attachment/{SHOP_PNG}/")
    assert content.status_code == 200
    assert content.content == renamed.content
    assert len(content.content) == meta["size"]
    assert rest.status_code == 404


async def test_a_validated_query_lists_every_problem() -> None:
    """An unknown field and a value that names nothing: one message each, in Jira's words."""
    body = {"jql": 'project = SHOP AND nosuchfield = 1 AND status = "Nope"', "maxResults": 0}
    async with sandbox(datacenter()) as client:
        response = await client.post("/rest/api/2/search", json=body)
    assert response.status_code == 400
    assert response.json()["errorMessages"] == [
        "Field 'nosuchfield' does not exist or you do not have permission to view it.",
        "The value 'Nope' does not exist for the field 'status'.",
    ]
