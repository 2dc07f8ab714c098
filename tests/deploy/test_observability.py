"""deploy/observability: Prometheus config and alert rules pass promtool, every metric the alerts
and the dashboard read exists in the code (with the labels they filter on), every alert says what
to do, and the Grafana dashboard parses with a query in every panel."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]
from prometheus_client import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
OBSERVABILITY = ROOT / "deploy" / "observability"
ALERTS = OBSERVABILITY / "alerts.yml"
DASHBOARD = OBSERVABILITY / "grafana" / "money-path.json"

# Every module that defines Prometheus metrics: importing them fills prometheus_client's REGISTRY.
METRIC_MODULES = (
    "common.app",
    "common.messaging.metrics",
    "bets.service_layer.metrics",
    "bets.service_layer.watchdog",
    "wallet.service_layer.money_metrics",
    "wallet.service_layer.stripe_metrics",
    "wallet.service_layer.saga",
    "wallet.service_layer.ledger_drift",
    "notifications.adapters.metrics",
    "partners.service_layer.metrics",
    "gateway.proxy",
    "gateway.stream",
)
# Labels Prometheus adds to every scraped series (prometheus*.yml), and its own series.
TARGET_LABELS = {"job", "instance", "service", "component", "pod", "namespace"}
PROMETHEUS_OWN = {"up": set[str]()}
_OUR_METRIC = re.compile(r"\b((?:looseline|bets|wallet)_[a-z0-9_]+|up)\b(\{[^}]*\})?")
_MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail(
            "promtool is not installed: `apt-get install -y prometheus` (Debian's package ships"
            " it); CI installs it in .ci/run. The alert rules and the Prometheus config are"
            " checked with it.",
            pytrace=False,
        )
    return path


def run_promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *map(str, args)], capture_output=True, text=True, timeout=60, check=False
    )


def known_metrics() -> dict[str, set[str]]:
    """Every series name the code exports (``_total``, ``_bucket`` … included) → its labels."""
    for module in METRIC_MODULES:
        importlib.import_module(module)
    names: dict[str, set[str]] = dict(PROMETHEUS_OWN)
    collectors = list(REGISTRY._collector_to_names)
    for collector in collectors:
        labels = set(getattr(collector, "_labelnames", ()))
        for name in REGISTRY._collector_to_names[collector]:
            names[name] = labels | ({"le"} if name.endswith("_bucket") else set())
    return names


def alert_rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(ALERTS.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard_queries() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [t["expr"] for p in panels for t in p["targets"]]


def used_metrics(expr: str) -> list[tuple[str, set[str]]]:
    """(metric, label names it is filtered on) for each of our metrics in a PromQL expression."""
    return [
        (m.group(1), set(_MATCHER.findall(m.group(2) or ""))) for m in _OUR_METRIC.finditer(expr)
    ]


def anchors(markdown: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces → hyphens."""
    found = set()
    for line in markdown.read_text().splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^a-z0-9 _-]", "", title).replace(" ", "-"))
    return found


def test_alert_rules_pass_promtool() -> None:
    result = run_promtool("check", "rules", ALERTS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_compose_prometheus_config_passes_promtool() -> None:
    result = run_promtool("check", "config", OBSERVABILITY / "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rule files found" in result.stdout  # alerts.yml is loaded and checked with it


def test_kubernetes_prometheus_config_passes_promtool(tmp_path: Path) -> None:
    source = OBSERVABILITY / "prometheus-kubernetes.yml"
    result = run_promtool("check", "config", source)
    if "kubernetes_sd_configs not found" in result.stdout + result.stderr:
        # Debian's promtool is built without Kubernetes discovery: check everything else (the
        # relabelling, the rule files) with the discovery swapped for a static target.
        config = yaml.safe_load(source.read_text())
        for job in config["scrape_configs"]:
            assert job.pop("kubernetes_sd_configs")[0]["role"] == "pod"
            job["static_configs"] = [{"targets": ["10.0.0.1:8000"]}]
        shutil.copy(ALERTS, tmp_path / "alerts.yml")
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
        result = run_promtool("check", "config", tmp_path / "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_targets_are_the_seven_services_on_their_metrics_ports() -> None:
    config = yaml.safe_load((OBSERVABILITY / "prometheus.yml").read_text())
    [job] = config["scrape_configs"]
    targets = {g["labels"]["service"]: g["targets"] for g in job["static_configs"]}
    domain = ("auth", "events", "bets", "wallet", "notifications", "partners")
    assert targets == {**{s: [f"{s}:8000"] for s in domain}, "gateway": ["gateway:9090"]}


def test_every_metric_in_the_alerts_and_the_dashboard_exists_with_its_labels() -> None:
    exported = known_metrics()
    queries = [rule["expr"] for rule in alert_rules()] + dashboard_queries()
    for expr in queries:
        used = used_metrics(expr)
        assert used, f"no LOOSELINE metric in {expr!r}"
        for metric, labels in used:
            assert metric in exported, f"{metric} (in {expr!r}) is not exported by the code"
            unknown = labels - exported[metric] - TARGET_LABELS
            assert not unknown, f"{metric} has no label {sorted(unknown)} (in {expr!r})"


def test_every_alert_says_what_happened_and_links_what_to_do() -> None:
    rules = alert_rules()
    assert len(rules) >= 10
    names = [rule["alert"] for rule in rules]
    assert len(set(names)) == len(names)
    for rule in rules:
        notes = rule["annotations"]
        assert notes["summary"].strip(), rule["alert"]
        assert notes["description"].strip(), rule["alert"]
        assert rule["labels"]["severity"] in ("page", "ticket"), rule["alert"]
        document, _, anchor = notes["runbook_url"].partition("#")
        assert document in ("docs/runbook.md", "docs/observability.md"), rule["alert"]
        assert anchor in anchors(ROOT / document), f"{rule['alert']}: no #{anchor} in {document}"


def test_the_issue_s_alerts_are_all_there() -> None:
    exprs = " ".join(rule["expr"] for rule in alert_rules())
    for metric in (
        "looseline_dlq_depth",
        "looseline_outbox_lag_seconds",
        "bets_pending_watchdog_total",
        "looseline_http_request_duration_seconds_count",
        "looseline_http_request_duration_seconds_bucket",
        "looseline_wallet_stripe_webhooks_total",
        "looseline_ledger_drift_minor",
        "looseline_notifications_sent_total",
        "looseline_partner_postbacks_total",
    ):
        assert metric in exprs, metric


def test_dashboard_parses_and_every_panel_has_a_query() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "looseline-money-path"
    panels = dashboard["panels"]
    assert len(panels) >= 10
    assert len({p["id"] for p in panels}) == len(panels)
    for panel in panels:
        assert panel["title"].strip()
        assert panel["targets"], panel["title"]
        assert all(t["expr"].strip() for t in panel["targets"]), panel["title"]
    titles = " ".join(p["title"].lower() for p in panels)
    for topic in ("bets placed", "saga", "money in", "holds", "lag", "5xx", "p99"):
        assert topic in titles, topic
