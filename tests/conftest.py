"""Shared fixtures: every async test runs on asyncio through anyio's pytest plugin.

Property tests explore new random examples on every local run. CI loads the "ci" profile
(HYPOTHESIS_PROFILE=ci, set by .ci/run): the same examples on every run, so a CI verdict
depends on the code alone, and a failure found locally is kept as an explicit example test.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


@pytest.fixture
def anyio_backend() -> str:
    """Run async tests on asyncio only (the server's own event loop)."""
    return "asyncio"
