"""Only server/gateway speaks to Redis, and the embedded default never loads it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports_redis(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        if any(name == "redis" or name.startswith("redis.") for name in names):
            return True
    return False


def test_only_the_gateway_imports_redis() -> None:
    """No module of server/ outside server/gateway, nor of tools/ or sandbox/, imports redis."""
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("server", "tools", "sandbox")
        for path in (ROOT / folder).rglob("*.py")
        if _imports_redis(path) and "server/gateway" not in path.as_posix()
    ]
    assert offenders == []


def test_a_gateway_without_redis_url_does_not_load_redis() -> None:
    """Opening the gateway as on a laptop (no REDIS_URL) leaves the redis package unloaded."""
    code = (
        "import sys, anyio\n"
        "from server.config import load_settings\n"
        "from server.gateway import JiraGateway\n"
        "async def main():\n"
        "    async with JiraGateway.open(load_settings(jira_url='sandbox')):\n"
        "        pass\n"
        "anyio.run(main)\n"
        "print('redis' in sys.modules)\n"
    )
    result = subprocess.run(  # noqa: S603  # this interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"
