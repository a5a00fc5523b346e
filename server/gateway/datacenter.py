"""The Data Center dialect of this gateway: its endpoint adapters and its text and user rewrites.

Assembled once per process, the first time a request goes to a Data Center site. Each piece is
a module of its own; this one only lists them (``server.gateway.dialect`` says how they run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.gateway.dc_adapters import UserSearch
from server.gateway.dc_changelog import ChangelogAdapter
from server.gateway.dc_createmeta import CreatemetaAdapter
from server.gateway.dc_sprints import sprints_as_objects
from server.gateway.dc_text import TextareaIds, documents_in, textarea_ids, wiki_body
from server.gateway.dc_users import name_refs, with_account_ids
from server.gateway.dialect import DataCenterDialect, Json, Wire

if TYPE_CHECKING:
    from server.gateway.meta import MetaApi

FIELD_LIST = "/rest/api/3/field"


def datacenter_dialect(meta: MetaApi) -> DataCenterDialect:
    """The Data Center dialect, its adapters reading site metadata through ``meta``."""

    async def textareas() -> frozenset[str]:
        return textarea_ids(await meta.fields())

    return dialect_with(textareas)


def dialect_with(textareas: TextareaIds) -> DataCenterDialect:
    """The Data Center dialect, learning the site's textarea custom fields from ``textareas``."""

    async def answer_in(asked: Wire, data: Json) -> Json:
        # Every answer, in Cloud's shape before the scope guard reads it: sprints as objects
        # (so the guard masks other boards' sprints), users with an accountId, rich text as ADF.
        data = with_account_ids(await sprints_as_objects(asked, data))
        # The field list holds no rich text, and reading it needs no field knowledge.
        if asked.path == FIELD_LIST:
            return data
        return await documents_in(asked.path, data, textareas)

    return DataCenterDialect(
        adapters=(UserSearch(), ChangelogAdapter(), CreatemetaAdapter()),
        body_out=lambda body: name_refs(wiki_body(body)),
        answer_in=answer_in,
    )
