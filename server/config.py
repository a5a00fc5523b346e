"""Settings: every knob of the server, read from the environment or a .env file.

Lists are comma-separated (``JIRA_PROJECTS=PROJ,OPS``) because that is how people type them
into a Claude Desktop config. A bad value stops the program with one line that names the
variable and says what is expected (``load_settings`` raises ``SettingsError``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from server.redact import secret_forms

SANDBOX = "sandbox"
# The tool registry: every tool, in the order tools/list shows them, each named as its module
# in tools/ (tools.all_tools imports them from here).
TOOL_NAMES = (
    "search_jql",
    "bulk_fetch",
    "create_issue",
    "transition",
    "sprint_progress",
    "validate_jql",
    "lookup",
    "get_issue",
    "add_comment",
    "update_issue",
    "link_issues",
    "get_attachment",
    "add_attachment",
)
DEFAULT_FIELDS = ("summary", "status", "assignee", "priority", "issuetype", "updated")
_PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,254}$")

CommaList = Annotated[list[str], NoDecode]


class SettingsError(ValueError):
    """A configuration value is missing or invalid; the text is one line for the user."""


def _split(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """Everything the server can be told; the README's configuration table is made from this."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    jira_url: str | None = Field(
        None, description="Jira site URL (https://your-site.atlassian.net), or `sandbox`."
    )
    jira_email: str | None = Field(None, description="Jira Cloud account email (with the token).")
    jira_api_token: SecretStr | None = Field(None, description="Jira Cloud API token.")
    jira_pat: SecretStr | None = Field(None, description="Data Center personal access token.")
    jira_oauth_token: SecretStr | None = Field(None, description="OAuth 2.0 access token.")
    jira_deployment: Literal["auto", "cloud", "datacenter"] = Field(
        "auto",
        description=(
            "auto (ask /serverInfo), cloud or datacenter. With `JIRA_URL=sandbox`, "
            "datacenter makes the built-in sandbox play Data Center."
        ),
    )
    jira_ca_bundle: Path | None = Field(None, description="PEM file of extra trusted CAs.")
    jira_ssl_verify: bool = Field(True, description="Verify TLS certificates (keep on).")
    https_proxy: str | None = Field(None, description="Proxy for HTTPS requests to Jira.")
    no_proxy: str | None = Field(None, description="Hosts that bypass the proxy.")
    jira_projects: CommaList = Field(
        default_factory=list, description="Allowed project keys; nothing outside is reachable."
    )
    jira_read_only: bool = Field(False, description="Hide and refuse every tool that writes.")
    jira_tools: CommaList = Field(
        default_factory=list, description="Only these tools (default: all)."
    )
    jira_exclude_tools: CommaList = Field(default_factory=list, description="Tools to hide.")
    jira_rate_limit: float = Field(10.0, gt=0, le=1000, description="Requests per second to Jira.")
    jira_rate_burst: int = Field(
        5,
        ge=1,
        le=1000,
        description="Requests allowed in a burst until Jira reports more room "
        "(X-RateLimit-Remaining); then up to one second of JIRA_RATE_LIMIT.",
    )
    jira_max_concurrency: int = Field(4, ge=1, le=64, description="Requests in flight at once.")
    jira_timeout: float = Field(30.0, gt=0, le=600, description="Seconds to wait for Jira.")
    jira_identity_wait: float = Field(
        1.0,
        ge=0,
        le=30,
        description="Seconds start-up waits for Jira to name the account for the model "
        "(0: do not ask; the instructions then go without the name).",
    )
    jira_max_retries: int = Field(4, ge=0, le=10, description="Retries of safe requests.")
    jira_default_fields: CommaList = Field(
        default_factory=lambda: list(DEFAULT_FIELDS), description="Fields returned by default."
    )
    jira_max_fields: int = Field(20, ge=1, le=200, description="Most fields one call may ask.")
    jira_text_limit: int = Field(
        1500, ge=80, le=100_000, description="Characters of a text field before it is cut."
    )
    jira_max_response_bytes: int = Field(
        32 * 1024 * 1024,
        ge=64 * 1024,
        le=1024 * 1024 * 1024,
        description="Largest Jira answer read, in decoded (unzipped) bytes; larger ones fail.",
    )
    mcp_transport: Literal["stdio", "http"] = Field("stdio", description="stdio or http.")
    mcp_host: str = Field("127.0.0.1", description="HTTP bind address.")
    mcp_port: int = Field(8765, ge=1, le=65535, description="HTTP port.")
    mcp_auth_token: SecretStr | None = Field(
        None,
        min_length=16,
        description="Bearer token HTTP clients must send (required off loopback; 16+ chars).",
    )
    mcp_allowed_hosts: CommaList = Field(
        default_factory=list, description="Extra Host headers accepted over HTTP."
    )
    mcp_allowed_origins: CommaList = Field(
        default_factory=list, description="Extra Origin headers accepted over HTTP."
    )
    mcp_stateless: bool = Field(False, description="Stateless HTTP, for several replicas.")
    mcp_max_sessions_per_client: int = Field(
        50, ge=1, le=10_000, description="Open HTTP sessions per client address (then 429)."
    )
    mcp_session_idle_timeout: float = Field(
        600.0, ge=10, le=86_400, description="Seconds an idle HTTP session is kept open."
    )
    jira_audit_log: Path | None = Field(
        None, description="File that write audit lines are appended to (default: the log)."
    )
    redis_url: str | None = Field(
        None,
        repr=False,  # it may carry a password
        description="Redis shared by the replicas (redis:// or rediss:// for TLS): one Jira "
        "budget, Retry-After pauses, page tokens and metadata caches for all. Unset: all in "
        "this process.",
    )
    redis_password: SecretStr | None = Field(
        None, description="Redis password, when it is not in REDIS_URL."
    )
    jira_replicas: int = Field(
        1,
        ge=1,
        le=1000,
        description="Replicas sharing the Jira credential: without Redis (unset, or lost) "
        "each keeps to JIRA_RATE_LIMIT / JIRA_REPLICAS.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Log level (logs go to stderr)."
    )

    _split_lists = field_validator(
        "jira_projects",
        "jira_tools",
        "jira_exclude_tools",
        "jira_default_fields",
        "mcp_allowed_hosts",
        "mcp_allowed_origins",
        mode="before",
    )(_split)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("jira_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None or value.strip().lower() == SANDBOX:
            return None if value is None else SANDBOX
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(
                f"expected https://your-site.atlassian.net or 'sandbox', got {value!r}"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if urlsplit(value).scheme not in ("redis", "rediss") or not urlsplit(value).hostname:
            raise ValueError("expected redis://host:6379/0 or rediss://host:6380/0 (TLS)")
        return value

    @field_validator("jira_projects")
    @classmethod
    def _check_projects(cls, value: list[str]) -> list[str]:
        keys = [key.upper() for key in value]
        bad = [key for key in keys if not _PROJECT_KEY.match(key)]
        if bad:
            raise ValueError(f"expected project keys like PROJ,OPS; not keys: {', '.join(bad)}")
        return list(dict.fromkeys(keys))

    @field_validator("jira_tools", "jira_exclude_tools")
    @classmethod
    def _check_tools(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in TOOL_NAMES]
        if unknown:
            raise ValueError(
                f"unknown tool {', '.join(unknown)}; the tools are {', '.join(TOOL_NAMES)}"
            )
        return value

    @field_validator("jira_ca_bundle")
    @classmethod
    def _check_bundle(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"expected a readable PEM file, {value} does not exist")
        return value

    @model_validator(mode="after")
    def _check_credentials(self) -> Settings:
        if self.jira_api_token is not None and not self.jira_email:
            raise ValueError("JIRA_API_TOKEN needs JIRA_EMAIL (the account the token belongs to)")
        return self

    @property
    def is_sandbox(self) -> bool:
        """True when the built-in Jira simulator is the backend."""
        return self.jira_url == SANDBOX

    def secret_forms(self) -> list[str]:
        """Every form in which a secret could leak (itself, URL-encoded, base64 of
        email:token): the one list the redactor of logs, errors and tool answers is built of."""
        return secret_forms(self.secrets(), self.jira_email)

    def secrets(self) -> list[str]:
        """Every secret value, so that logs and errors can be scrubbed of them."""
        values = [
            self.jira_api_token,
            self.jira_pat,
            self.jira_oauth_token,
            self.mcp_auth_token,
            self.redis_password,
        ]
        found = [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]
        url_password = urlsplit(self.redis_url).password if self.redis_url else None
        if url_password:
            # Written in the URL percent-encoded, used decoded: secret_forms adds the other form.
            found.append(unquote(url_password))
        return found


def load_settings(**overrides: object) -> Settings:
    """Read Settings from the environment and .env; flags come in as overrides.

    Raises SettingsError with one line naming the variable when a value is bad.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # overrides are validated here
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None


def _one_line(exc: ValidationError) -> str:
    first = exc.errors()[0]
    name = "_".join(str(part) for part in first["loc"] if isinstance(part, str)).upper()
    message = str(first["msg"]).removeprefix("Value error, ")
    if not name:
        return f"configuration: {message}"
    given = first.get("input")
    # A URL may carry a password (REDIS_URL): never echoed, like the tokens.
    hidden = name.endswith(("TOKEN", "PAT", "PASSWORD", "_URL")) and name != "JIRA_URL"
    shown = "" if hidden or isinstance(given, dict) else f" (got {given!r})"
    return f"{name}: {message}{shown}"
