"""The removed search endpoints answer 410 Gone with Jira's exact body."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import sandbox
from tests.sandbox.openapi import validate_error_body

GONE = {
    "errorMessages": [
        "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
        "A full migration guideline is available at "
        "https://developer.atlassian.com/changelog/#CHANGE-2046"
    ],
    "errors": {},
}


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("path", ["/rest/api/2/search", "/rest/api/3/search"])
async def test_removed_search_answers_410(method: str, path: str) -> None:
    """GET and POST on v2 and v3 /search answer 410 with Atlassian's migration message."""
    async with sandbox() as client:
        response = await client.request(method, path, params={"jql": "project = SHOP"})
    assert response.status_code == 410
    assert response.json() == GONE
    validate_error_body(response.json())
