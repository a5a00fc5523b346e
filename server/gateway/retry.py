"""Which requests may be repeated, and how long to wait before the next try.

Atlassian's guidance ("Rate limiting", Implementing retry logic): retry only what is safe to
repeat, at most 4 times, exponential backoff with a jitter factor in [0.7, 1.3], capped at 30 s,
and a Retry-After is the minimum wait.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

RETRY_STATUSES = frozenset({429, 502, 503, 504})

# POSTs that only read: repeating them cannot change anything in Jira.
READ_ONLY_POSTS = (
    "/rest/api/3/search/jql",
    "/rest/api/3/issue/bulkfetch",
    "/rest/api/3/search/approximate-count",
    "/rest/api/3/jql/parse",
    "/rest/api/2/search/jql",
    "/rest/api/2/issue/bulkfetch",
    "/rest/api/2/search/approximate-count",
    "/rest/api/2/jql/parse",
    "/rest/api/2/search",  # Data Center's search
)


def is_safe_to_repeat(method: str, path: str) -> bool:
    """True for GET and the read-only POSTs; every other request is a write."""
    method = method.upper()
    if method in ("GET", "HEAD", "OPTIONS"):
        return True
    return method == "POST" and path.split("?", 1)[0].rstrip("/") in READ_ONLY_POSTS


@dataclass
class Backoff:
    """Exponential backoff with jitter; ``rng`` is injectable for repeatable tests."""

    base: float = 2.0
    cap: float = 30.0
    jitter: tuple[float, float] = (0.7, 1.3)
    # Even "Retry-After: 0" waits this long, so a zero never becomes a hot loop.
    floor: float = 0.5
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry ``retry_number`` (1 for the first retry)."""
        if retry_after is not None:
            # Retry-After is a minimum: jitter only upwards, so waiting callers spread out.
            return max(retry_after, self.floor) * self.rng.uniform(1.0, self.jitter[1])
        exponential = self.base * 2.0 ** (retry_number - 1)
        jittered = min(self.cap, exponential) * self.rng.uniform(*self.jitter)
        return max(self.floor, min(self.cap, jittered))
