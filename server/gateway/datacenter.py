"""The Data Center dialect of this gateway: its endpoint adapters and its text and user rewrites.

Assembled once per process, the first time a request goes to a Data Center site. Each piece is
a module of its own; this one only lists them (``server.gateway.dialect`` says how they run).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from server.gateway.dc_changelog import ChangelogAdapter
from server.gateway.dc_createmeta import CreatemetaAdapter
from server.gateway.dc_sprints import sprints_as_objects
from server.gateway.dialect import DataCenterDialect, Json, Wire

if TYPE_CHECKING:
    from server.gateway.meta import MetaApi

AnswerRewrite = Callable[[Wire, Json], Awaitable[Json]]

# Every answer passes these, in order, before the scope guard reads it.
ANSWER_REWRITES: tuple[AnswerRewrite, ...] = (sprints_as_objects,)


def datacenter_dialect(meta: MetaApi) -> DataCenterDialect:
    """The Data Center dialect, its adapters reading site metadata through ``meta``."""
    return DataCenterDialect(
        adapters=(ChangelogAdapter(), CreatemetaAdapter()),
        answer_in=in_order(ANSWER_REWRITES),
    )


def in_order(rewrites: Sequence[AnswerRewrite]) -> AnswerRewrite:
    """One answer rewrite that applies ``rewrites`` one after the other."""

    async def rewrite(asked: Wire, data: Json) -> Json:
        for step in rewrites:
            data = await step(asked, data)
        return data

    return rewrite
