"""Errors of the JQL engine, written for the model that sent the query.

JqlError        the query cannot be read (or a value cannot be quoted)
 └── ScopeError the query names projects or issue keys outside the allowlist
"""

from __future__ import annotations


class JqlError(ValueError):
    """A JQL problem with its position (1-based line and column) and a hint to fix it."""

    def __init__(
        self,
        message: str,
        *,
        line: int = 1,
        column: int = 1,
        hint: str | None = None,
        source: str = "",
    ) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        self.source = source
        super().__init__(self._full_text())

    @property
    def caret(self) -> str:
        """The offending line of the query with a `^` under the column ("" without a source)."""
        if not self.source:
            return ""
        lines = self.source.split("\n")
        text = lines[self.line - 1] if 0 < self.line <= len(lines) else ""
        # Tabs keep their width so the caret lines up under the same character.
        pad = "".join("\t" if ch == "\t" else " " for ch in text[: self.column - 1])
        return f"{text}\n{pad}^"

    def _full_text(self) -> str:
        parts = [f"{self.message} (line {self.line}, column {self.column})"]
        if self.caret:
            parts.append(self.caret)
        if self.hint:
            parts.append(f"Hint: {self.hint}")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self._full_text()


class ScopeError(JqlError):
    """The query names projects or issue keys that the allowlist does not permit."""

    def __init__(
        self,
        message: str,
        *,
        projects: tuple[str, ...] = (),
        keys: tuple[str, ...] = (),
        hint: str | None = None,
    ) -> None:
        self.projects = projects
        self.keys = keys
        super().__init__(message, hint=hint)

    def _full_text(self) -> str:
        # A scope refusal is about the whole query, so no position is shown.
        return f"{self.message}\nHint: {self.hint}" if self.hint else self.message
