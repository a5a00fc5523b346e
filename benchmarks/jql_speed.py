"""Throughput of the JQL engine: parse + scope + render over 1,000 realistic queries.

Run: .venv/bin/python benchmarks/jql_speed.py
The queries are generated from a fixed seed, so every run measures the same work.
"""

from __future__ import annotations

import random
import time

from server.jql import parse, render, scope

QUERIES = 1_000
ROUNDS = 5
ALLOWLIST = ["PROJ", "OPS", "WEB"]

_STATUSES = ["Open", "In Progress", "Done", "To Do", "Code Review", "Blocked"]
_PEOPLE = ["5b10ac8d82e05b22cc7d4ef5", "alice@example.com", "Bob Smith"]
_LABELS = ["backend", "frontend", "tech-debt", "customer", "security", "perf"]
_WORDS = ["login", "timeout", "crash", "export", "payment", "search", "upload", "report"]


def _condition(rng: random.Random) -> str:
    choice = rng.randrange(12)
    if choice == 0:
        return f'status = "{rng.choice(_STATUSES)}"'
    if choice == 1:
        picked = rng.sample(_STATUSES, 3)
        return "status in (" + ", ".join(f'"{s}"' for s in picked) + ")"
    if choice == 2:
        return "assignee = currentUser()"
    if choice == 3:
        return f'reporter != "{rng.choice(_PEOPLE)}"'
    if choice == 4:
        return "labels in (" + ", ".join(rng.sample(_LABELS, 2)) + ")"
    if choice == 5:
        return f'summary ~ "{rng.choice(_WORDS)} {rng.choice(_WORDS)}"'
    if choice == 6:
        return f'created >= startOfDay("-{rng.randrange(1, 30)}d")'
    if choice == 7:
        return f"updated > -{rng.randrange(1, 12)}w"
    if choice == 8:
        return "sprint in openSprints()"
    if choice == 9:
        return f'"Story Points" >= {rng.randrange(1, 13)}'
    if choice == 10:
        team = rng.randrange(99)
        return f"priority in (High, Highest) AND resolution IS EMPTY AND cf[10020] = {team}"
    return f'issuetype = Bug AND fixVersion = "{rng.randrange(1, 9)}.{rng.randrange(10)}"'


def _query(rng: random.Random) -> str:
    parts = [f"project = {rng.choice(ALLOWLIST)}"]
    for _ in range(rng.randrange(3, 6)):
        parts.append(_condition(rng))
    where = " AND ".join(parts)
    if rng.random() < 0.4:
        where = f"{where} OR ({_condition(rng)} AND NOT {_condition(rng)})"
    order = rng.choice(["", " ORDER BY created DESC", " ORDER BY priority DESC, updated ASC"])
    return where + order


def make_queries(count: int = QUERIES, seed: int = 2026) -> list[str]:
    """The benchmark's queries: deterministic for a given seed."""
    rng = random.Random(seed)
    return [_query(rng) for _ in range(count)]


def main() -> None:
    """Print queries per second (best of several rounds) and the average query length."""
    queries = make_queries()
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for text in queries:
            render(scope(parse(text), ALLOWLIST))
        best = min(best, time.perf_counter() - start)
    average = sum(len(text) for text in queries) / len(queries)
    print(f"queries: {len(queries):,}, average length: {average:.0f} characters")
    print(f"parse + scope + render: {len(queries) / best:,.0f} queries per second (one core)")


if __name__ == "__main__":
    main()
