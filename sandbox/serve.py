"""Run the sandbox as its own HTTP server on this machine: `python -m sandbox.serve`.

It binds to loopback only: the credentials are public demo values and the admin endpoint,
when on, changes the server's behaviour without authentication.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Literal

from sandbox.config import DEMO_EMAIL, DEMO_TOKEN, BasicCredential, SandboxConfig

LOOPBACK = frozenset({"127.0.0.1", "localhost"})
DEPLOYMENTS = ("cloud", "datacenter")


def check_host(host: str) -> None:
    """Refuse any address but loopback, saying why."""
    if host not in LOOPBACK:
        raise ValueError(
            f"The Jira sandbox only listens on 127.0.0.1, not {host!r}: its credentials are "
            "public demo values. Use host='127.0.0.1'."
        )


def banner(port: int, email: str, token: str, admin: bool, deployment: str = "cloud") -> list[str]:
    """What the server prints on start: where it is, which Jira it plays, what it accepts."""
    url = f"http://127.0.0.1:{port}"
    plays = " (Jira Data Center)" if deployment == "datacenter" else ""
    lines = [f"Jira sandbox{plays} at {url}  (email {email}, API token {token})"]
    if admin:
        lines.append(f"Fault controls at {url}/__sandbox/faults  (GET, PUT; POST .../reset)")
    lines.append("Press Ctrl-C to stop.")
    return lines


def serve(  # noqa: PLR0917 - one positional parameter per command-line flag
    host: str = "127.0.0.1",
    port: int = 8080,
    email: str = DEMO_EMAIL,
    token: str = DEMO_TOKEN,
    data_path: Path | None = None,
    admin: bool = False,
    deployment: Literal["cloud", "datacenter"] = "cloud",
) -> None:
    """Serve the sandbox with uvicorn until Ctrl-C, playing Cloud or Data Center."""
    check_host(host)
    # Imported here so that checking arguments stays cheap and the app's imports stay lazy.
    import uvicorn  # noqa: PLC0415

    from sandbox.app import create_app  # noqa: PLC0415

    config = SandboxConfig(
        credentials=(BasicCredential(email, token),),
        data_path=data_path,
        admin_enabled=admin,
        base_url=f"http://127.0.0.1:{port}",
        media_url=f"http://127.0.0.1:{port}",
        deployment=deployment,
    )
    app = create_app(config)
    for line in banner(port, email, token, admin, deployment):
        print(line, flush=True)
    # uvicorn stops gracefully on the first Ctrl-C, waiting at most 2 s for answers held by
    # hang_writes; a second Ctrl-C interrupts it: exit quietly either way.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(
            app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=2
        )


def main(argv: list[str] | None = None) -> None:
    """Command line: python -m sandbox.serve [--port N] [--data FILE] [--admin]."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.serve", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback only")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--token", default=DEMO_TOKEN)
    parser.add_argument("--data", type=Path, default=None, help="JSON file to keep the site in")
    parser.add_argument("--admin", action="store_true", help="enable /__sandbox/faults")
    parser.add_argument("--deployment", choices=DEPLOYMENTS, default="cloud")
    args = parser.parse_args(argv)
    try:
        serve(args.host, args.port, args.email, args.token, args.data, args.admin, args.deployment)
    except ValueError as exc:
        parser.error(str(exc))


if __name__ == "__main__":
    main()
