"""Nothing in the project reads a file outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = frozenset({".git", ".venv", "node_modules", "__pycache__", ".mypy_cache"})
CHECKED = frozenset({".py", ".sh", ".toml", ".cfg", ".ini", ".yml", ".yaml"})
CHECKED_NAMES = frozenset({"Makefile", "Dockerfile", "run"})
# A path that climbs out of the checkout: the reference folder that sits beside some
# checkouts (named here by parts, so that this file does not name it itself), or a parents[n]
# deep enough to leave the repository from any file in it.
BESIDE = "sha" + "red"
OUTSIDE = re.compile(rf"{BESIDE}/reference|\.\./{BESIDE}|parents\[[3-9]\]")


def _project_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*"):
        if SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix in CHECKED or path.name in CHECKED_NAMES:
            files.append(path)
    return files


def test_no_code_reads_outside_the_repository() -> None:
    """No test, benchmark, script or build file names a path outside the checkout."""
    me = Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _project_files()
        if path != me
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not offenders, "\n".join(offenders)


def test_the_test_data_carries_its_sources() -> None:
    """Every data file in tests/data is listed, with its source, in tests/data/README.md."""
    data = ROOT / "tests" / "data"
    readme = (data / "README.md").read_text(encoding="utf-8")
    for path in data.iterdir():
        if path.name != "README.md" and path.is_file():
            assert f"`{path.name}`" in readme, f"{path.name} is not described in the README"
