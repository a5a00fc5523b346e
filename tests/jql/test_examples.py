"""Every query of jql-examples.tsv (Atlassian's JQL builder tests) gives its expected result."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.jql import JqlError, parse, render

# A copy kept in the repository, with its source and licence in its first lines.
_DATA = Path(__file__).resolve().parents[1] / "data" / "jql-examples.tsv"

# Two rows are marked valid in the data but break JQL's grammar (reference §3: "Multi-word
# unquoted field names fail"); Jira rejects them too. They must fail, with a hint to quote.
_CORRECTED = {
    "epic link in (1,2,3)": '"epic link"',
    'Time to first response > elapsed("3m")': "quote",
}


def _rows() -> list[tuple[str, str]]:
    lines = [line for line in _DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [line.split("\t") for line in lines if not line.startswith("#")][1:]
    return [(row[0], row[1]) for row in rows]


@pytest.mark.parametrize(("expect", "jql"), _rows())
def test_example_gives_its_expected_result(expect: str, jql: str) -> None:
    """Valid examples parse and round-trip through render; invalid ones raise JqlError."""
    if jql in _CORRECTED:
        with pytest.raises(JqlError) as caught:
            parse(jql)
        assert _CORRECTED[jql] in (caught.value.hint or "").lower()
    elif expect == "valid":
        query = parse(jql)
        assert parse(render(query)) == query
    else:
        with pytest.raises(JqlError):
            parse(jql)


def test_the_example_file_is_complete() -> None:
    """The copy of the examples holds all 76 rows, both valid and invalid ones."""
    rows = _rows()
    assert len(rows) == 76
    assert {expect for expect, _jql in rows} == {"valid", "invalid"}
