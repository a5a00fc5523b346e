"""The command line: flags -> Settings -> run. No logic of its own beyond wiring.

jira-mcp-gateway [serve]  serve the tools (stdio by default, --transport http)
jira-mcp-gateway sandbox  run the Jira simulator as its own HTTP server
jira-mcp-gateway check    connect with the configured settings and report
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from server.config import SANDBOX, Settings, SettingsError, load_settings

COMMANDS = ("serve", "sandbox", "check")
NO_JIRA = (
    "No Jira is configured. Either point the server at your Jira:\n"
    "  JIRA_URL=https://your-site.atlassian.net JIRA_EMAIL=you@example.com "
    "JIRA_API_TOKEN=... jira-mcp-gateway\n"
    "or try it with the built-in Jira simulator:\n"
    "  jira-mcp-gateway serve --sandbox"
)


def build_parser() -> argparse.ArgumentParser:
    """The parser with its three commands; every command has --help."""
    parser = argparse.ArgumentParser(
        prog="jira-mcp-gateway",
        description="A safe, fast, token-lean MCP server for Jira.",
    )
    commands = parser.add_subparsers(dest="command", metavar="{serve,sandbox,check}")
    serve = commands.add_parser("serve", help="serve the Jira tools over MCP (the default)")
    _add_connection_flags(serve)
    serve.add_argument("--transport", choices=["stdio", "http"], help="stdio (default) or http")
    serve.add_argument("--host", help="HTTP bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="HTTP port (default 8765)")
    serve.add_argument("--read-only", action="store_true", default=None, help="no writing tools")
    serve.add_argument("--stateless", action="store_true", default=None, help="stateless HTTP")
    sandbox = commands.add_parser("sandbox", help="run the Jira simulator on 127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    sandbox.add_argument("--email", default="demo@example.com", help="accepted account email")
    sandbox.add_argument("--token", default="sandbox-token", help="accepted API token")
    sandbox.add_argument("--data", type=Path, help="JSON file that keeps the site across restarts")
    sandbox.add_argument("--admin", action="store_true", help="enable the fault admin endpoint")
    sandbox.add_argument(
        "--deployment",
        choices=["cloud", "datacenter"],
        default="cloud",
        help="the Jira to play: cloud (default) or datacenter (REST v2, as Data Center 10.x)",
    )
    check = commands.add_parser("check", help="test the Jira connection and settings")
    _add_connection_flags(check)
    return parser


def _add_connection_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sandbox", action="store_true", help="use the built-in Jira simulator")
    parser.add_argument("--projects", help="allowed project keys, comma-separated (PROJ,OPS)")


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with the flags that were given on top."""
    flags = {
        "jira_url": SANDBOX if getattr(args, "sandbox", False) else None,
        "jira_projects": getattr(args, "projects", None),
        "mcp_transport": getattr(args, "transport", None),
        "mcp_host": getattr(args, "host", None),
        "mcp_port": getattr(args, "port", None),
        "jira_read_only": getattr(args, "read_only", None),
        "mcp_stateless": getattr(args, "stateless", None),
    }
    return load_settings(**{name: value for name, value in flags.items() if value is not None})


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; the exit code is 0 on success, 1 on a failed check, 2 on bad settings."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (arguments[0] not in COMMANDS and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "serve")
    args = build_parser().parse_args(arguments)
    try:
        if args.command == "sandbox":
            return run_sandbox(args)
        settings = settings_from(args)
        if args.command == "check":
            return run_check(settings)
        return run_serve(settings)
    except SettingsError as exc:
        print(f"jira-mcp-gateway: {exc}", file=sys.stderr)
        return 2


def run_serve(settings: Settings) -> int:
    """Serve the tools over stdio or HTTP until the client or Ctrl-C stops it."""
    if settings.jira_url is None:
        print(NO_JIRA, file=sys.stderr)
        return 2
    from server.logging import prepare_logging  # noqa: PLC0415

    prepare_logging(settings.log_level, settings.secret_forms())
    check_redis(settings)
    if settings.mcp_transport == "http":
        return _serve_http(settings)
    from server.app import build_server, run_stdio  # noqa: PLC0415  # heavy: the MCP SDK
    from server.healthcheck import serving  # noqa: PLC0415

    with serving("stdio"):
        run_stdio(build_server(settings))
    return 0


def check_redis(settings: Settings) -> None:
    """With REDIS_URL, refuse to start (one line, non-zero exit) when Redis does not answer:
    a replica that starts alone would spend the shared Jira budget a second time."""
    if settings.redis_url is None:
        return
    import anyio  # noqa: PLC0415

    from server.gateway.redis_link import problem_reaching  # noqa: PLC0415  # loads redis

    try:
        problem = anyio.run(problem_reaching, settings)
    except ModuleNotFoundError:
        problem = (
            "REDIS_URL: the redis package is not installed; install the team extra: "
            "pip install 'jira-mcp-gateway[team]'"
        )
    if problem is not None:
        raise SettingsError(problem)


def _serve_http(settings: Settings) -> int:
    from server.app import build_server, session_manager, streamable_http_app  # noqa: PLC0415
    from server.healthcheck import health_url, serving  # noqa: PLC0415
    from server.http import build_http_app, check_bind, listen, run_http  # noqa: PLC0415
    from server.metrics import Metrics  # noqa: PLC0415

    check_bind(settings)
    # Bound before the banner: a busy port is one line and a non-zero exit, nothing printed first.
    sock = listen(settings)
    metrics = Metrics()
    mcp = build_server(settings, metrics=metrics)
    app = build_http_app(
        settings,
        streamable_http_app(mcp, settings),
        lambda: session_manager(mcp),
        metrics=metrics,
        # Read when asked: the lifespan sets it once the gateway is open.
        health_problem=lambda: mcp.health_problem(),  # type: ignore[attr-defined]  # noqa: PLW0108
    )
    with serving("http", health_url(settings.mcp_host, sock.getsockname()[1])):
        # Over HTTP stdout carries no MCP, so the welcome goes there and stderr stays all JSON.
        print(_welcome(settings), file=sys.stdout, flush=True)
        run_http(app, sock)
    return 0


def _welcome(settings: Settings) -> str:
    url = f"http://{settings.mcp_host}:{settings.mcp_port}/mcp"
    backend = "the built-in Jira sandbox" if settings.is_sandbox else settings.jira_url
    # Desktop clients start servers with a bare PATH: the snippet names the full path.
    desktop = {
        "mcpServers": {
            "jira": {
                "command": str(Path(sys.argv[0]).resolve()),
                "env": _desktop_env(settings),
            }
        }
    }
    return "\n".join(
        [
            f"jira-mcp-gateway serving MCP at {url} against {backend}",
            f"Try it:  npx @modelcontextprotocol/inspector --cli {url} --method tools/list",
            "Claude Desktop (stdio) config:",
            json.dumps(desktop, indent=2),
            "Ctrl-C stops the server.",
        ]
    )


def _desktop_env(settings: Settings) -> dict[str, str]:
    """The environment a desktop client needs: the site, the credential names, the scope."""
    env = {"JIRA_URL": settings.jira_url or SANDBOX}
    if not settings.is_sandbox:
        env.update({"JIRA_EMAIL": "you@example.com", "JIRA_API_TOKEN": "<api token>"})
    if settings.jira_projects:
        env["JIRA_PROJECTS"] = ",".join(settings.jira_projects)
    return env


def run_sandbox(args: argparse.Namespace) -> int:
    """The Jira simulator as its own server on 127.0.0.1."""
    from sandbox.serve import serve  # noqa: PLC0415

    serve(
        port=args.port,
        email=args.email,
        token=args.token,
        data_path=args.data,
        admin=args.admin,
        deployment=args.deployment,
    )
    return 0


def run_check(settings: Settings) -> int:
    """Connect with the settings and print who, what and how much headroom; 1 on failure."""
    if settings.jira_url is None:
        print(NO_JIRA, file=sys.stderr)
        return 2
    import anyio  # noqa: PLC0415

    from server.check import check  # noqa: PLC0415
    from server.logging import configure_logging  # noqa: PLC0415

    # The check prints its own lines; per-call logs only when asked for with LOG_LEVEL=DEBUG.
    level = "DEBUG" if settings.log_level == "DEBUG" else "WARNING"
    configure_logging(level, settings.secret_forms())

    lines, ok = anyio.run(check, settings.model_copy(update={"jira_max_retries": 0}))
    for line in lines:
        print(line, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1
