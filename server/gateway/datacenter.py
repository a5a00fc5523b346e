"""The Data Center dialect of this gateway: its endpoint adapters and its text and user rewrites.

Assembled once per process, the first time a request goes to a Data Center site. Each piece is
a module of its own; this one only lists them (``server.gateway.dialect`` says how they run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.gateway.dialect import DataCenterDialect

if TYPE_CHECKING:
    from server.gateway.meta import MetaApi


def datacenter_dialect(meta: MetaApi) -> DataCenterDialect:
    """The Data Center dialect, its adapters reading site metadata through ``meta``."""
    return DataCenterDialect(adapters=())
