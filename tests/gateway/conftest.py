"""Fixtures for gateway tests: a fake clock and a gateway against a respx-mocked Jira."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest

from server.config import Settings
from server.gateway import Backoff, JiraGateway
from tests.gateway.fakes import FakeClock

JIRA = "https://example.atlassian.net"
EMAIL = "ada@example.com"
API_TOKEN = "ATATT3xFfGF0-secret-token-value"

GatewayFactory = Callable[..., AbstractAsyncContextManager[JiraGateway]]


def make_settings(**overrides: object) -> Settings:
    """Settings for a Cloud site with Basic credentials, ignoring the environment and .env."""
    values: dict[str, object] = {
        "jira_url": JIRA,
        "jira_email": EMAIL,
        "jira_api_token": API_TOKEN,
        "jira_deployment": "cloud",
    }
    values.update(overrides)
    # model_validate skips the environment sources: only these values count.
    return Settings.model_validate(values)


@pytest.fixture
def clock() -> FakeClock:
    """A fresh virtual clock."""
    return FakeClock()


@pytest.fixture
def open_gateway(clock: FakeClock) -> GatewayFactory:
    """Open a gateway on the fake clock with repeatable jitter."""

    @asynccontextmanager
    async def factory(**overrides: object) -> AsyncIterator[JiraGateway]:
        backoff = Backoff(rng=random.Random(1))
        async with JiraGateway.open(
            make_settings(**overrides), clock=clock, backoff=backoff
        ) as gateway:
            yield gateway

    return factory
