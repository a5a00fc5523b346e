"""Settings of the Jira sandbox: who may call it, how fast, and which faults it injects.

`SandboxConfig` is frozen; `Faults` is deliberately mutable so a test (or the admin endpoint)
can change the weather of a running sandbox: ``config.faults.error_rate = 0.3``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import anyio

DEMO_ACCOUNT_ID = "5b10ac8d82e05b22cc7d4ef5"
DEMO_DISPLAY_NAME = "Demo User"
DEMO_EMAIL = "demo@example.com"
# A public demo secret: the sandbox is local-only and its data is fake.
DEMO_TOKEN = "sandbox-token"  # noqa: S105
# A personal access token gets an account of its own so tests can tell the two apart.
PAT_ACCOUNT_ID = "5b10ac8d82e05b22cc7d4ef6"
# The demo personal access token a Data Center sandbox also accepts (user `pat`).
DEMO_PAT = "sandbox-pat"


@dataclass(frozen=True)
class BasicCredential:
    """An Atlassian account email with an API token (HTTP Basic)."""

    email: str
    token: str
    account_id: str = DEMO_ACCOUNT_ID
    display_name: str = DEMO_DISPLAY_NAME

    @property
    def label(self) -> str:
        """Name of the credential in logs and rate-limit buckets (never the secret)."""
        return f"basic:{self.email}"

    @property
    def username(self) -> str:
        """The account's Data Center username: the email's first word, as the site names it."""
        return self.email.split("@", 1)[0].split(".", 1)[0].lower()


@dataclass(frozen=True)
class BearerCredential:
    """A personal access token (HTTP Bearer)."""

    token: str
    account_id: str = PAT_ACCOUNT_ID
    display_name: str = "PAT User"

    @property
    def label(self) -> str:
        """Name of the credential in logs and rate-limit buckets (never the secret)."""
        return f"bearer:{self.account_id}"


Credential = BasicCredential | BearerCredential


@dataclass
class Faults:
    """Faults injected into answers; every random draw comes from `seed`, so runs repeat."""

    error_rate: float = 0.0
    error_codes: tuple[int, ...] = (503,)
    # The inner app runs first, so the write happens and then the client sees an error.
    error_after_write: bool = False
    latency: float = 0.0
    # Seconds Jira spends on each write before doing it; the write lands even if the client
    # has given up by then (a create slower than the client's timeout).
    write_latency: float = 0.0
    hang_writes: float = 0.0
    truncate_rate: float = 0.0
    storm_429: int = 0
    seed: int = 0

    def __setattr__(self, name: str, value: Any) -> None:
        # Setting the seed (also in __init__ and reset) restarts the sequence of draws.
        object.__setattr__(self, name, value)
        if name == "seed":
            object.__setattr__(self, "_rng", random.Random(value))

    def reset(self) -> None:
        """Return every field to its default (no faults) and restart the draws."""
        for f in fields(self):
            setattr(self, f.name, f.default)

    def hit(self, rate: float) -> bool:
        """Draw once: True with probability `rate`. No draw is spent when the rate is 0."""
        if rate <= 0:
            return False
        rng: random.Random = self.__dict__["_rng"]
        return rng.random() < rate

    def pick_error_code(self) -> int:
        """One of `error_codes`, drawn from the same seeded sequence."""
        rng: random.Random = self.__dict__["_rng"]
        return rng.choice(self.error_codes) if self.error_codes else 503


@dataclass
class Counters:
    """Running totals kept by the edge middleware, for tests and benchmarks to read."""

    requests: int = 0  # every HTTP request the edges saw, refused ones too (admin calls aside)
    unauthenticated: int = 0  # 401s sent
    throttled_burst: int = 0  # 429s from the per-credential bucket
    throttled_per_issue: int = 0  # 429s from the per-issue write limit
    storm_429: int = 0  # 429s sent by Faults.storm_429
    injected_errors: int = 0  # error answers from Faults.error_rate
    truncated: int = 0  # 200s whose JSON body was cut short
    hung_writes: int = 0  # write answers held back by Faults.hang_writes
    # The most requests the per-credential bucket let through within any one second: what a
    # client (or several sharing a credential) really sent, against the budget.
    busiest_second: int = 0
    # Media-host downloads that carried an Authorization header (a client leaking Jira's
    # credentials to another host, when the media host is not the site itself).
    media_with_credentials: int = 0

    @property
    def throttled(self) -> int:
        """Every 429 sent, whatever the reason."""
        return self.throttled_burst + self.throttled_per_issue + self.storm_429

    def reset(self) -> None:
        """Set every total back to zero."""
        for f in fields(self):
            setattr(self, f.name, 0)


def _default_credentials() -> tuple[Credential, ...]:
    return (BasicCredential(DEMO_EMAIL, DEMO_TOKEN),)


@dataclass(frozen=True)
class SandboxConfig:
    """Everything the sandbox app and its middleware read."""

    seed: int = 7
    # Wall time and a sleep on the same clock: a test passes a fake one for both.
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep
    credentials: tuple[Credential, ...] = field(default_factory=_default_credentials)
    rate_limit: float | None = 10.0  # requests per second per credential; None turns it off
    burst: int = 10
    # Atlassian's short per-issue write window: writes per window seconds; None turns it off.
    per_issue_writes: tuple[int, float] | None = (20, 2.0)
    faults: Faults = field(default_factory=Faults)
    counters: Counters = field(default_factory=Counters)
    admin_enabled: bool = False
    data_path: Path | None = None
    base_url: str = "http://sandbox"
    # Seconds before a created issue reaches search (Jira's search is eventually consistent;
    # `reconcileIssues` skips the wait for the ids it names). 0: search sees writes at once.
    search_lag: float = 0.0
    # The id of the Flagged field (Jira Software's default here; other sites number it otherwise).
    flagged_field: str = "customfield_10021"
    # Whether Agile issue answers carry their boolean `flagged` (off: a client must read the
    # Flagged field itself).
    agile_flagged: bool = True
    # Where attachment content redirects to: Atlassian's media host, as Jira Cloud does. A
    # sandbox served on a port points it at itself (the media host is not reachable offline).
    media_url: str = "https://api.media.atlassian.com"
    # Which Jira this sandbox plays: Cloud, or Data Center (serverInfo says so, search is
    # `POST /rest/api/2/search` with startAt/total, and the Cloud-only endpoints answer 404).
    deployment: Literal["cloud", "datacenter"] = "cloud"
    # The Data Center release serverInfo reports (``version``/``versionNumbers``), so tests
    # can play 9.x as well as 10.x.
    datacenter_version: str = "10.3.4"
