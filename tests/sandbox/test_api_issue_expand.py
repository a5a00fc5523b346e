"""GET issue with expand=transitions.fields lists each transition's screen fields, as Cloud."""

from __future__ import annotations

import pytest

from sandbox.app import create_app
from tests.sandbox.helpers import checked, config, sandbox, site_of

pytestmark = pytest.mark.anyio


async def test_transitions_with_screen_fields_on_the_issue() -> None:
    """The Done transition carries its required resolution field; plain transitions do not."""
    app = create_app(config())
    site = site_of(app)
    issue = next(
        i for i in site.issues() if i.project == "SHOP" and site.category_of(i).key == "new"
    )
    async with sandbox(app) as client:
        with_fields = checked(
            await client.get(
                f"/rest/api/3/issue/{issue.key}",
                params={"fields": "status", "expand": "transitions.fields"},
            ),
            "/rest/api/3/issue/{issueIdOrKey}",
        )
        without = checked(
            await client.get(
                f"/rest/api/3/issue/{issue.key}",
                params={"fields": "status", "expand": "transitions"},
            ),
            "/rest/api/3/issue/{issueIdOrKey}",
        )
    done = next(t for t in with_fields["transitions"] if t["to"]["name"] == "Done")
    assert done["fields"]["resolution"]["required"] is True
    assert all("fields" not in t for t in without["transitions"])
