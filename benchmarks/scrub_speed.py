"""Speed of the one redactor on 1 MB of text: clean, with secrets in every form, and base64.

Target: well under 50 ms per MB. Run: .venv/bin/python benchmarks/scrub_speed.py
The texts are generated from a fixed seed, so every run measures the same work.
"""

from __future__ import annotations

import base64
import json
import random
import statistics
import time
from urllib.parse import quote

from server.redact import REDACTED, Redactor, secret_forms

MB = 1_000_000
ROUNDS = 9
EMAIL = "ada@example.com"
TOKEN = "ATATT3xFfGF0_-Zq8mW2rK9pLx4vB7nC1dE5hJ6tY0uI3oP=A1B2C3D4"  # noqa: S105  # made up
_WORDS = [
    "the",
    "login",
    "page",
    "times",
    "out",
    "after",
    "deploy",
    "on",
    "staging",
    "while",
    "export",
    "of",
    "the",
    "payment",
    "report",
    "keeps",
    "failing;",
    "see",
    "https://example.atlassian.net/browse/SHOP-1234?focusedCommentId=10001",
    "and",
    "the",
    "internationalization-configuration",
    "of",
    "customer-facing",
    "services",
    "\\_now\\_",
]


def prose(rng: random.Random, size: int) -> str:
    """Jira-like text: words, URLs, Markdown escapes, line breaks."""
    words: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(_WORDS) + ("\n" if rng.random() < 0.05 else " ")
        words.append(word)
        length += len(word)
    return "".join(words)[:size]


def with_secrets(rng: random.Random, size: int, count: int) -> str:
    """Prose with ``count`` secrets in it: whole, cut, split, escaped, encoded, Basic."""
    basic = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
    shapes = [
        TOKEN,
        TOKEN[: rng.randrange(12, 40)],
        TOKEN[:20] + " " + TOKEN[20:],
        TOKEN.replace("_", "\\_"),
        quote(TOKEN, safe=""),
        f"Authorization: Basic {basic[:30]}",
    ]
    text = list(prose(rng, size - count * 60).split(" "))
    for _ in range(count):
        text.insert(rng.randrange(len(text)), rng.choice(shapes))
    return " ".join(text)


def timed(redactor: Redactor, text: str) -> tuple[float, str]:
    """Median milliseconds of one scrub_text over ``text``, and its result."""
    times = []
    result = text
    for _ in range(ROUNDS):
        started = time.perf_counter()
        result = redactor.scrub_text(text)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> None:
    """Print the median scrub time per case."""
    rng = random.Random(7)
    redactor = Redactor(secret_forms([TOKEN], EMAIL))
    page = {"issues": [{"key": f"SHOP-{i}", "fields": {"summary": prose(rng, 80),
             "description": prose(rng, 900)}} for i in range(1000)]}  # fmt: skip
    cases = {
        "1 MB prose, no secret": prose(rng, MB),
        "1 MB prose, 100 secrets in six shapes": with_secrets(rng, MB, 100),
        "1 MB prose in several scripts, 100 secrets": with_secrets(rng, MB, 100).replace(
            "the", "für 日本"
        ),
        "1 MB base64 blob, no secret": base64.b64encode(rng.randbytes(MB * 3 // 4)).decode(),
        "1 MB JSON page as text, no secret": json.dumps(page)[:MB],
    }
    for name, text in cases.items():
        ms, result = timed(redactor, text)
        found = result.count(REDACTED)
        print(f"{name:<44} {len(text) / MB:4.2f} MB  {ms:6.1f} ms  ({found} redacted)")
    started = time.perf_counter()
    for _ in range(ROUNDS):
        redactor.scrub_value(page)
    ms = (time.perf_counter() - started) * 1000 / ROUNDS
    size = len(json.dumps(page)) / MB
    print(f"{'scrub_value of a 1,000-issue page':<44} {size:4.2f} MB  {ms:6.1f} ms")


if __name__ == "__main__":
    main()
