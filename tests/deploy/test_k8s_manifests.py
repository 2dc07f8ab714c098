"""deploy/k8s renders, validates and agrees with the code (issue 24, item 3). No cluster needed.

Every overlay is rendered with ``kubectl kustomize`` (a missing kubectl fails, never skips).
Built-in objects are validated, strictly, against the Kubernetes JSON schemas that
kubernetes-validate ships (offline). The operators' custom resources (KEDA, RabbitMQ,
CloudNativePG) have no schema here: their required fields are asserted, and so are the
cross-references a typo would break only in a cluster: Secret names and keys, Deployment names,
queue names (from the services' own bootstraps), RabbitMQ grants (from common.messaging.users),
Service and NetworkPolicy selectors, probe paths and ports.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from common.app import health_router
from common.messaging.declare import runtime_of
from common.messaging.users import SERVICES, BusLayout, grants_for
from common.runtime import ServiceRuntime
from common.settings import CommonSettings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
OVERLAYS = ("dev", "production")
KUBERNETES_VERSION = "1.31"
DOMAIN = ("auth", "events", "bets", "wallet", "notifications", "partners")
# Each domain service runs its relay, consumers and periodic jobs in its own worker Deployment.
WORKERS = DOMAIN
CUSTOM_GROUPS = ("keda.sh", "rabbitmq.com", "postgresql.cnpg.io")
POD_KINDS = ("Deployment", "Job")

Obj = dict[str, Any]


# -------------------------------------------------------------------------- rendering
def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        pytest.fail(
            "kubectl is not on PATH: these tests render deploy/k8s with `kubectl kustomize` "
            "(install kubectl, e.g. Debian's package or the Kubernetes apt repository)",
            pytrace=False,
        )
    return path


@cache
def rendered(overlay: str) -> tuple[Obj, ...]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, f"kubectl kustomize overlays/{overlay}:\n{result.stderr}"
    objects = tuple(o for o in yaml.safe_load_all(result.stdout) if o)
    assert objects, f"overlays/{overlay} renders nothing"
    return objects


def of_kind(objects: tuple[Obj, ...], kind: str) -> list[Obj]:
    return [o for o in objects if o["kind"] == kind]


def named(objects: tuple[Obj, ...], kind: str) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in of_kind(objects, kind)}


def group(obj: Obj) -> str:
    api = str(obj["apiVersion"])
    return api.split("/")[0] if "/" in api else ""


def is_custom(obj: Obj) -> bool:
    return group(obj) in CUSTOM_GROUPS


def pod_specs(objects: tuple[Obj, ...]) -> Iterator[tuple[Obj, Obj]]:
    for obj in objects:
        if obj["kind"] in POD_KINDS:
            yield obj, obj["spec"]["template"]


def containers(pod: Obj) -> list[Obj]:
    spec = pod["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]


def matches(selector: Obj, labels: Obj) -> bool:
    """A label selector (matchLabels / matchExpressions In, or a plain map) against labels."""
    plain = selector.get("matchLabels", selector if "matchExpressions" not in selector else {})
    if any(labels.get(k) != v for k, v in plain.items()):
        return False
    for expr in selector.get("matchExpressions", []):
        assert expr["operator"] == "In", f"selector operator not handled here: {expr}"
        if labels.get(expr["key"]) not in expr["values"]:
            return False
    return True


@cache
def secret_template() -> dict[str, Obj]:
    docs = yaml.safe_load_all((K8S / "base" / "secret.template.yaml").read_text())
    secrets = {d["metadata"]["name"]: d for d in docs if d}
    assert all(s["kind"] == "Secret" for s in secrets.values())
    return secrets


def secret_keys(name: str) -> set[str]:
    return set(secret_template()[name].get("stringData", {}))


def config_data(objects: tuple[Obj, ...]) -> dict[str, str]:
    data: dict[str, str] = named(objects, "ConfigMap")["looseline-config"]["data"]
    return data


@cache
def declared_queues() -> dict[str, str]:
    """Each service's main queue, from its own composition root (no connection is made)."""
    queues: dict[str, str] = {}
    for service in DOMAIN:
        runtime: ServiceRuntime = runtime_of(service)
        try:
            assert runtime.consumer is not None, f"{service} declares no queue"
            queues[service] = runtime.consumer.names.main
        finally:
            asyncio.run(runtime.stop())
    return queues


def health_paths() -> set[str]:
    """The paths every process answers (common.app.create_app always mounts these)."""
    router = health_router(ServiceRuntime(settings=CommonSettings()))
    return {getattr(route, "path", "") for route in router.routes}


# -------------------------------------------------------------------------- schemas
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_built_in_object_is_valid_against_the_kubernetes_schema(overlay: str) -> None:
    objects = rendered(overlay)
    built_in = [o for o in objects if not is_custom(o)]
    assert built_in
    for obj in built_in:
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            name = f"{obj['kind']}/{obj['metadata']['name']}"
            pytest.fail(f"overlays/{overlay}: {name}: {exc.message} at {list(exc.path)}")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_is_rendered_and_everything_is_in_the_namespace(overlay: str) -> None:
    objects = rendered(overlay)
    assert of_kind(objects, "Secret") == []
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == "looseline", obj["metadata"]["name"]


def test_only_the_production_overlay_carries_operators_and_autoscalers() -> None:
    dev = {o["kind"] for o in rendered("dev")}
    assert not dev & {"HorizontalPodAutoscaler", "ScaledObject", "RabbitmqCluster", "Cluster"}
    assert all(is_custom(o) is False for o in rendered("dev"))
    for deployment in of_kind(rendered("dev"), "Deployment"):
        assert deployment["spec"]["replicas"] == 1
    for deployment in of_kind(rendered("production"), "Deployment"):
        # The autoscalers own the count: an apply must not reset it.
        assert "replicas" not in deployment["spec"], deployment["metadata"]["name"]


# -------------------------------------------------------------------------- workloads
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_has_its_deployments_service_pdb_and_migration_job(overlay: str) -> None:
    objects = rendered(overlay)
    deployments = named(objects, "Deployment")
    assert set(deployments) == {*DOMAIN, "gateway", *(f"{s}-worker" for s in WORKERS)}
    assert set(named(objects, "Service")) >= {*DOMAIN, "gateway"}
    jobs = named(objects, "Job")
    assert set(jobs) == {f"{s}-migrate" for s in DOMAIN}
    for service in DOMAIN:
        job = jobs[f"{service}-migrate"]
        pod = job["spec"]["template"]["spec"]
        (bootstrap,) = pod["initContainers"]
        assert bootstrap["command"] == ["looseline-db-bootstrap"]
        env = {e["name"]: e for e in bootstrap["env"]}
        assert env["DB_SERVICES"]["value"] == service
        command = " ".join(pod["containers"][0]["command"])
        assert f"alembic -c services/{service}/alembic.ini upgrade head" in command
        assert command.endswith(f"python -m common.messaging.declare {service}")
        for container in containers(job["spec"]["template"]):
            assert container["image"].startswith(f"looseline/{service}:")
    pdbs = of_kind(objects, "PodDisruptionBudget")
    for name, deployment in deployments.items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert [p for p in pdbs if matches(p["spec"]["selector"], labels)], f"{name}: no PDB"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_is_probed_limited_and_locked_down(overlay: str) -> None:
    paths = health_paths()
    assert {"/health/live", "/health/ready"} <= paths
    for obj, pod in pod_specs(rendered(overlay)):
        name = obj["metadata"]["name"]
        security = pod["spec"]["securityContext"]
        assert security["runAsNonRoot"] is True, name
        assert security["runAsUser"] == 10001, name
        assert security["seccompProfile"]["type"] == "RuntimeDefault", name
        assert pod["spec"]["automountServiceAccountToken"] is False, name
        for container in containers(pod):
            where = f"{name}/{container['name']}"
            ctx = container["securityContext"]
            assert ctx["allowPrivilegeEscalation"] is False, where
            assert ctx["readOnlyRootFilesystem"] is True, where
            assert ctx["capabilities"]["drop"] == ["ALL"], where
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), where
            assert "memory" in resources["limits"], where
        if obj["kind"] != "Deployment":
            continue
        assert pod["spec"]["topologySpreadConstraints"], name
        (container,) = pod["spec"]["containers"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        probes = {k: container[k] for k in ("startupProbe", "livenessProbe", "readinessProbe")}
        assert probes["readinessProbe"]["httpGet"]["path"] == "/health/ready", name
        assert probes["livenessProbe"]["httpGet"]["path"] == "/health/live", name
        for probe in probes.values():
            assert probe["httpGet"]["path"] in paths, name
            assert probe["httpGet"]["port"] in ports, f"{name}: probe on an unnamed port"
            assert ports[probe["httpGet"]["port"]] == 8000, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_workers_run_the_background_side_and_the_api_pods_do_not(overlay: str) -> None:
    deployments = named(rendered(overlay), "Deployment")
    for service in WORKERS:
        api = deployments[service]["spec"]["template"]["spec"]["containers"][0]
        api_env = {e["name"]: e.get("value") for e in api.get("env", [])}
        assert api_env[f"{service.upper()}_RUN_WORKERS"] == "false"
        assert "command" not in api  # the image's uvicorn CMD
        worker = deployments[f"{service}-worker"]["spec"]["template"]["spec"]["containers"][0]
        assert worker["command"] == ["python", "-m", f"{service}.entrypoints.worker"]
        assert worker["image"] == api["image"]
        worker_env = {e["name"]: e.get("value") for e in worker.get("env", [])}
        assert worker_env["BIND_HOST"] == "0.0.0.0"  # probes reach it (common.worker)
        assert f"{service.upper()}_RUN_WORKERS" not in worker_env


# -------------------------------------------------------------------------- references
def referenced_secrets(objects: tuple[Obj, ...]) -> list[tuple[str, str, str | None]]:
    """(where, secret name, key or None) for every Secret a rendered object names."""
    refs: list[tuple[str, str, str | None]] = []
    for obj, pod in pod_specs(objects):
        for container in containers(pod):
            where = f"{obj['metadata']['name']}/{container['name']}"
            for source in container.get("envFrom", []):
                if "secretRef" in source:
                    refs.append((where, source["secretRef"]["name"], None))
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    refs.append((where, ref["name"], ref["key"]))
        for volume in pod["spec"].get("volumes", []):
            if "secret" in volume:
                refs.append((obj["metadata"]["name"], volume["secret"]["secretName"], None))
    for obj in objects:
        where = f"{obj['kind']}/{obj['metadata']['name']}"
        spec = obj.get("spec", {})
        match obj["kind"]:
            case "Ingress":
                refs += [(where, t["secretName"], None) for t in spec.get("tls", [])]
            case "User":
                refs.append((where, spec["importCredentialsSecret"]["name"], None))
            case "RabbitmqCluster":
                refs.append((where, spec["tls"]["secretName"], "tls.crt"))
                refs.append((where, spec["tls"]["caSecretName"], "ca.crt"))
            case "Cluster":
                refs.append((where, spec["superuserSecret"]["name"], "password"))
                for role in spec["managed"]["roles"]:
                    refs.append((where, role["passwordSecret"]["name"], "password"))
            case "TriggerAuthentication":
                refs += [(where, t["name"], t["key"]) for t in spec["secretTargetRef"]]
    return refs


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_secret_reference_names_a_secret_and_key_of_the_template(overlay: str) -> None:
    refs = referenced_secrets(rendered(overlay))
    assert refs
    for where, name, key in refs:
        assert name in secret_template(), f"{where} names Secret {name}, not in the template"
        if key is not None:
            assert key in secret_keys(name), f"{where}: Secret {name} has no key {key}"


def test_the_template_logs_each_service_in_as_its_own_user() -> None:
    for service in SERVICES:
        secret = secret_template()[f"looseline-{service}"]["stringData"]
        url = urlsplit(secret[f"{service.upper()}_RABBITMQ_URL"])
        assert url.username == service
        assert url.path == "/looseline"
        assert secret_template()[f"looseline-rabbitmq-{service}"]["stringData"]["username"] == (
            service
        )
    for service in DOMAIN:
        url = urlsplit(
            secret_template()[f"looseline-{service}"]["stringData"][
                f"{service.upper()}_DATABASE_URL"
            ]
        )
        assert url.username == f"looseline_{service}"
        assert url.path == "/looseline"
        assert url.hostname == "looseline-pg-pooler-rw.looseline.svc"
        pg = secret_template()[f"looseline-pg-{service}"]
        assert pg["type"] == "kubernetes.io/basic-auth"
        assert pg["stringData"]["username"] == f"looseline_{service}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_selects_api_pods_of_one_deployment(overlay: str) -> None:
    objects = rendered(overlay)
    deployments = of_kind(objects, "Deployment")
    for service in of_kind(objects, "Service"):
        if service["spec"].get("type") == "ExternalName":
            continue  # dev: a name for an outside host, no pods
        selector = service["spec"]["selector"]
        chosen = [
            d for d in deployments if matches(selector, d["spec"]["template"]["metadata"]["labels"])
        ]
        assert len(chosen) == 1, f"Service {service['metadata']['name']} selects {len(chosen)}"
        pod_ports = {
            p["name"] for p in chosen[0]["spec"]["template"]["spec"]["containers"][0]["ports"]
        }
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in pod_ports
        assert not chosen[0]["metadata"]["name"].endswith("-worker")
    for ingress in of_kind(objects, "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                assert path["backend"]["service"]["name"] == "gateway"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_cover_every_pod_and_select_real_ones(overlay: str) -> None:
    objects = rendered(overlay)
    pods = [(o["metadata"]["name"], p["metadata"]["labels"]) for o, p in pod_specs(objects)]
    policies = of_kind(objects, "NetworkPolicy")
    for policy in policies:
        name = policy["metadata"]["name"]
        assert [p for p, labels in pods if matches(policy["spec"]["podSelector"], labels)], name
        assert set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}, name
        for rule in policy["spec"].get("ingress", []) + policy["spec"].get("egress", []):
            for peer in rule.get("from", []) + rule.get("to", []):
                if "podSelector" in peer and "namespaceSelector" not in peer:
                    peers = [p for p, labels in pods if matches(peer["podSelector"], labels)]
                    assert peers, f"{name}: a rule names pods that do not exist"
    for pod, labels in pods:  # default deny: every LOOSELINE pod is under a policy
        assert [p for p in policies if matches(p["spec"]["podSelector"], labels)], pod


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_takes_traffic_from_the_ingress_and_services_only_from_it(
    overlay: str,
) -> None:
    policies = named(rendered(overlay), "NetworkPolicy")
    from_ingress = [
        name
        for name, policy in policies.items()
        for rule in policy["spec"]["ingress"]
        for peer in rule.get("from", [])
        if peer.get("namespaceSelector", {})
        .get("matchLabels", {})
        .get("kubernetes.io/metadata.name")
        == "ingress-nginx"
    ]
    assert from_ingress == ["gateway"]
    for service in DOMAIN:
        sources = [
            peer.get("podSelector", {}).get("matchLabels")
            for rule in policies[service]["spec"]["ingress"]
            for peer in rule.get("from", [])
            if "podSelector" in peer
        ]
        # auth also serves the JWKS every LOOSELINE process fetches (JWT_JWKS_URL)
        allowed = {"app.kubernetes.io/name": "gateway"}
        expected = [{"app.kubernetes.io/part-of": "looseline"}] if service == "auth" else [allowed]
        assert sources == expected, service
        egress_ports = {
            port["port"] for rule in policies[service]["spec"]["egress"] for port in rule["ports"]
        }
        outside = egress_ports - {53, 5432, 5671, 5672, 6379, 6380, 8000}
        assert outside == {
            "auth": {443, 465, 587},
            "wallet": {443},
            "notifications": {443, 465, 587},
            "partners": {443},
        }.get(service, set()), service


def test_the_gateway_trusts_the_ingress_proxies_and_serves_the_app() -> None:
    for overlay in OVERLAYS:
        data = config_data(rendered(overlay))
        assert data["GATEWAY_TRUSTED_PROXIES"] not in ("", "none")
        assert data["GATEWAY_AUTH_URL"] == "http://auth:8000"


# -------------------------------------------------------------------------- autoscaling
def test_autoscalers_target_real_deployments_and_real_queues() -> None:
    objects = rendered("production")
    deployments = named(objects, "Deployment")
    hpas = of_kind(objects, "HorizontalPodAutoscaler")
    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas} == {*DOMAIN, "gateway"}
    for hpa in hpas:
        target = deployments[hpa["spec"]["scaleTargetRef"]["name"]]
        assert hpa["spec"]["minReplicas"] >= 2 <= hpa["spec"]["maxReplicas"]
        (metric,) = hpa["spec"]["metrics"]
        assert metric["resource"]["name"] == "cpu"
        assert "cpu" in target["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]

    queues = declared_queues()
    prefix = config_data(objects).get("QUEUE_PREFIX", "")
    auths = named(objects, "TriggerAuthentication")
    scaled = of_kind(objects, "ScaledObject")
    assert {s["spec"]["scaleTargetRef"]["name"] for s in scaled} == {f"{w}-worker" for w in WORKERS}
    for obj in scaled:
        spec = obj["spec"]
        target = spec["scaleTargetRef"]["name"]
        assert target in deployments
        assert target.endswith("-worker")
        service = target.removesuffix("-worker")
        # Never zero: the worker is the outbox relay and the periodic jobs' runner too.
        assert 1 <= spec["minReplicaCount"] < spec["maxReplicaCount"]
        assert spec["pollingInterval"] > 0
        assert spec["cooldownPeriod"] > 0
        (trigger,) = spec["triggers"]
        assert trigger["type"] == "rabbitmq"
        assert trigger["metadata"]["queueName"] == queues[service]
        assert trigger["metadata"]["queueName"] == f"{prefix}{service}"
        assert trigger["metadata"]["vhostName"] == "looseline"
        assert int(trigger["metadata"]["value"]) > 0
        auth = auths[trigger["authenticationRef"]["name"]]
        assert {t["parameter"] for t in auth["spec"]["secretTargetRef"]} >= {"host"}
    for auth in auths.values():
        host = next(t for t in auth["spec"]["secretTargetRef"] if t["parameter"] == "host")
        url = urlsplit(secret_template()[host["name"]]["stringData"][host["key"]])
        assert url.username == "keda"
        assert url.path == "/looseline"


# -------------------------------------------------------------------------- operators
def test_rabbitmq_users_and_grants_match_common_messaging_users() -> None:
    objects = rendered("production")
    (cluster,) = of_kind(objects, "RabbitmqCluster")
    assert cluster["spec"]["replicas"] == 3  # a quorum queue survives one node
    name = cluster["metadata"]["name"]
    topology = [o for o in objects if group(o) == "rabbitmq.com" and o["kind"] != "RabbitmqCluster"]
    for obj in topology:
        assert obj["spec"]["rabbitmqClusterReference"]["name"] == name

    data = config_data(objects)
    layout = BusLayout(
        vhost="looseline",
        exchange=data["EXCHANGE_NAME"],
        queue_prefix=data.get("QUEUE_PREFIX", ""),
    )
    (vhost,) = of_kind(objects, "Vhost")
    assert vhost["spec"]["name"] == layout.vhost
    exchanges = {(e["spec"]["name"], e["spec"]["type"]) for e in of_kind(objects, "Exchange")}
    assert exchanges == {(layout.exchange, "topic"), (layout.dead_letter_exchange, "direct")}

    users = named(objects, "User")
    permissions = named(objects, "Permission")
    topics = named(objects, "TopicPermission")
    assert set(users) == {*SERVICES, "keda"}
    for service in SERVICES:
        grants = grants_for(service, layout)
        assert users[service]["spec"]["tags"] == []
        assert users[service]["spec"]["importCredentialsSecret"]["name"] == (
            f"looseline-rabbitmq-{service}"
        )
        permission = permissions[service]["spec"]
        assert permission["userReference"]["name"] == service
        assert permission["vhost"] == layout.vhost
        assert permission["permissions"] == {
            "configure": grants.configure,
            "write": grants.write,
            "read": grants.read,
        }
        topic = topics[service]["spec"]
        assert topic["userReference"]["name"] == service
        assert topic["vhost"] == layout.vhost
        assert topic["permissions"] == {
            "exchange": layout.exchange,
            "write": grants.topic_write,
            "read": grants.topic_read,
        }
    # KEDA's user reads queue depths only: no right on any resource, no topic permission.
    assert users["keda"]["spec"]["tags"] == ["monitoring"]
    assert set(permissions["keda"]["spec"]["permissions"].values()) == {"^$"}
    assert "keda" not in topics


def test_cloudnative_pg_cluster_pooler_and_one_role_per_service() -> None:
    objects = rendered("production")
    (cluster,) = of_kind(objects, "Cluster")
    spec = cluster["spec"]
    assert spec["instances"] == 3
    assert spec["bootstrap"]["initdb"]["database"] == "looseline"
    roles = {r["name"]: r for r in spec["managed"]["roles"]}
    assert set(roles) == {f"looseline_{s}" for s in DOMAIN}
    for service in DOMAIN:
        role = roles[f"looseline_{service}"]
        assert role["login"] is True
        assert role["ensure"] == "present"
        for attribute in ("superuser", "createdb", "createrole"):
            assert role[attribute] is False, f"{service}: {attribute}"
        assert role["passwordSecret"]["name"] == f"looseline-pg-{service}"
    (pooler,) = of_kind(objects, "Pooler")
    assert pooler["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
    assert pooler["spec"]["type"] == "rw"
    # LISTEN, session advisory locks (leader-locked jobs) and asyncpg's prepared statements
    # all need a server session per client session.
    assert pooler["spec"]["pgbouncer"]["poolMode"] == "session"
    host = f"{pooler['metadata']['name']}.looseline.svc"
    for service in DOMAIN:
        url = secret_template()[f"looseline-{service}"]["stringData"][
            f"{service.upper()}_DATABASE_URL"
        ]
        assert urlsplit(url).hostname == host
    admin = urlsplit(secret_template()["looseline-db-admin"]["stringData"]["DB_ADMIN_URL"])
    assert admin.hostname == f"{cluster['metadata']['name']}-rw.looseline.svc"


def test_no_flat_manifests_are_left_beside_base_and_overlays() -> None:
    assert sorted(p.name for p in K8S.glob("*.yaml")) == []
