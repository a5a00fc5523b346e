"""deploy/: the Compose and Kubernetes files parse, and use the settings the README documents.

No daemon runs here: each file is parsed and checked for what a team's deployment relies on
(Redis, several stateless replicas behind one address, probes on /healthz, /metrics scraped,
secrets kept out of plain configuration).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from server.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SECRETS = {"JIRA_API_TOKEN", "JIRA_PAT", "JIRA_OAUTH_TOKEN", "MCP_AUTH_TOKEN", "REDIS_PASSWORD"}


def compose() -> dict[str, Any]:
    """The Compose file."""
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    return data


def manifests() -> list[dict[str, Any]]:
    """The Kubernetes documents."""
    text = (DEPLOY / "kubernetes" / "jira-mcp-gateway.yaml").read_text()
    return [doc for doc in yaml.safe_load_all(text) if doc]


def of_kind(kind: str, name: str) -> dict[str, Any]:
    """One Kubernetes document by kind and name."""
    return next(d for d in manifests() if d["kind"] == kind and d["metadata"]["name"] == name)


def documented_settings() -> set[str]:
    """The environment names in the README's configuration table."""
    readme = (ROOT / "README.md").read_text()
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", readme, re.MULTILINE))


def setting_names() -> set[str]:
    """The environment names the server reads."""
    return {name.upper() for name in Settings.model_fields}


def env_example() -> dict[str, str]:
    """gateway.env.example as name -> value."""
    pairs = {}
    for line in (DEPLOY / "gateway.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


def test_every_name_the_deploy_files_set_is_a_documented_setting() -> None:
    """Compose, the env example and the ConfigMap only set settings the README documents."""
    used = set(compose()["services"]["gateway"]["environment"])
    used |= set(env_example())
    used |= set(of_kind("ConfigMap", "jira-mcp-gateway")["data"])
    assert used <= setting_names(), sorted(used - setting_names())
    assert used <= documented_settings(), sorted(used - documented_settings())


def test_compose_runs_three_stateless_replicas_on_redis_behind_one_port() -> None:
    """Redis, three replicas sharing it, and a balancer publishing the MCP port."""
    services = compose()["services"]
    gateway = services["gateway"]
    assert gateway["deploy"]["replicas"] == 3
    env = gateway["environment"]
    assert env["MCP_TRANSPORT"] == "http"
    assert env["MCP_STATELESS"] == "true"
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["JIRA_REPLICAS"] == str(gateway["deploy"]["replicas"])
    assert gateway["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "--save" in services["redis"]["command"]
    port = env["MCP_PORT"]
    assert services["balancer"]["ports"] == [f"{port}:{port}"]
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert f"server gateway:{port};" in nginx
    assert "proxy_buffering off;" in nginx


def test_secrets_come_from_the_env_file_or_a_secret_never_from_plain_config() -> None:
    """Compose and the ConfigMap hold no credential; the Deployment reads them from a Secret."""
    assert not SECRETS & set(compose()["services"]["gateway"]["environment"])
    assert compose()["services"]["gateway"]["env_file"] == "gateway.env"
    assert {"JIRA_API_TOKEN", "MCP_AUTH_TOKEN"} <= set(env_example())
    assert not SECRETS & set(of_kind("ConfigMap", "jira-mcp-gateway")["data"])
    pod = of_kind("Deployment", "jira-mcp-gateway")["spec"]["template"]["spec"]
    container = pod["containers"][0]
    sources = [next(iter(s)) for s in container["envFrom"]]
    assert sources == ["configMapRef", "secretRef"]


def test_kubernetes_probes_health_and_exposes_metrics_for_scraping() -> None:
    """Replicas probed on /healthz at the MCP port; the Service is annotated for /metrics."""
    config = of_kind("ConfigMap", "jira-mcp-gateway")["data"]
    deployment = of_kind("Deployment", "jira-mcp-gateway")
    assert deployment["spec"]["replicas"] == int(config["JIRA_REPLICAS"])
    assert config["MCP_STATELESS"] == "true"
    assert config["REDIS_URL"].startswith("redis://jira-mcp-gateway-redis:")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"] == [{"name": "http", "containerPort": int(config["MCP_PORT"])}]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "http"}
    annotations = of_kind("Service", "jira-mcp-gateway")["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] == "/metrics"
    assert annotations["prometheus.io/port"] == config["MCP_PORT"]
    redis = of_kind("Service", "jira-mcp-gateway-redis")
    assert redis["spec"]["ports"][0]["port"] == 6379
