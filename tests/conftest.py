"""Shared fixtures: every async test runs on asyncio through anyio's pytest plugin."""

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """Run async tests on asyncio only (the server's own event loop)."""
    return "asyncio"
