"""The built-in Jira simulator that ``JIRA_URL=sandbox`` runs in-process."""

from __future__ import annotations

from typing import Any

from server.config import Settings


def embedded_sandbox(settings: Settings) -> Any:
    """The simulator for ``settings``: Jira Cloud, or Jira Data Center when
    ``JIRA_DEPLOYMENT=datacenter``. Imported on first use: only the sandbox mode needs it."""
    from sandbox.app import create_app  # noqa: PLC0415
    from sandbox.config import SandboxConfig  # noqa: PLC0415

    datacenter = settings.jira_deployment == "datacenter"
    return create_app(SandboxConfig(deployment="datacenter" if datacenter else "cloud"))
