"""deploy/: the Kubernetes manifests and docker-compose.yml say what the project's code reads.

Every environment variable they give an assistant container is a setting of
``assistant/settings.py`` or a name that Rasa's endpoints.yml / credentials.yml expand (Rasa
refuses to start when one of those is missing, so the Rasa containers must set them all); every
``python -m`` module they start exists; HAProxy gets exactly the variables its configuration
uses; the Rasa replicas the balancer names exist. When kubectl is installed, its built-in
kustomize renders deploy/ as well (the configuration generators and the image name).
"""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set

import pytest
import yaml

from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
APP_IMAGE = "gemeente-assistent"
#: Read by Rasa itself, not by our settings.
RASA_OWN = {"RASA_TELEMETRY_ENABLED"}


def _expanded(path: Path) -> Set[str]:
    return set(re.findall(r"\$\{([A-Z0-9_]+)", path.read_text()))


SETTINGS = {name.upper() for name in Settings.__fields__}
RASA_FILES = _expanded(ROOT / "endpoints.yml") | _expanded(ROOT / "credentials.yml")
ALLOWED = SETTINGS | RASA_FILES | RASA_OWN


def _documents() -> List[Dict[str, Any]]:
    docs: List[Dict[str, Any]] = []
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        docs += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return docs


def _containers(docs: List[Dict[str, Any]]) -> Iterator[tuple]:
    for doc in docs:
        if doc["kind"] in ("Deployment", "StatefulSet"):
            for container in doc["spec"]["template"]["spec"]["containers"]:
                yield doc["metadata"]["name"], container


def _config_map(docs: List[Dict[str, Any]], name: str) -> Dict[str, str]:
    return next(d["data"] for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == name)


def _env(docs: List[Dict[str, Any]], container: Dict[str, Any]) -> Dict[str, Any]:
    env: Dict[str, Any] = {}
    for source in container.get("envFrom", []):
        env.update(_config_map(docs, source["configMapRef"]["name"]))
    for item in container.get("env", []):
        env[item["name"]] = item.get("value", item.get("valueFrom"))
    return env


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    assert listed == {f"kubernetes/{p.name}" for p in (DEPLOY / "kubernetes").glob("*.yaml")}
    for generator in kustomization["configMapGenerator"]:
        for entry in generator["files"]:
            assert (DEPLOY / entry.split("=")[-1]).is_file(), entry


def test_every_variable_of_an_assistant_container_is_a_setting() -> None:
    docs = _documents()
    apps = [(name, c) for name, c in _containers(docs) if c["image"].startswith(APP_IMAGE)]
    assert {name for name, _ in apps} == {"actions", "rasa", "console", "retention"}
    for name, container in apps:
        unknown = set(_env(docs, container)) - ALLOWED
        assert not unknown, f"{name} sets variables no setting reads: {sorted(unknown)}"
    rasa = next(c for name, c in apps if name == "rasa")
    missing = RASA_FILES - set(_env(docs, rasa))
    assert not missing, f"Rasa expands these in endpoints/credentials.yml: {sorted(missing)}"


def test_compose_sets_only_settings_too() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        if not str(service.get("image", "")).startswith("${ASSISTANT_IMAGE"):
            continue
        unknown = set(service["environment"]) - ALLOWED
        assert not unknown, f"{name}: {sorted(unknown)}"
        if name.startswith("rasa"):
            assert not RASA_FILES - set(service["environment"]), name


def test_every_started_module_exists() -> None:
    commands = [c["command"] for _, c in _containers(_documents()) if "command" in c]
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    commands += [s["command"] for s in compose["services"].values()
                 if isinstance(s.get("command"), list) and s["command"][:2] == ["python", "-m"]]
    modules = {command[2] for command in commands if command[:2] == ["python", "-m"]}
    assert {"actions.server", "bot.serve", "kcc.server", "kcc.retention"} <= modules
    for module in modules:
        assert importlib.util.find_spec(module) is not None, module


def test_the_balancer_gets_what_haproxy_cfg_uses_and_names_both_replicas() -> None:
    docs = _documents()
    haproxy = next(c for _, c in _containers(docs) if c["image"].startswith("haproxy"))
    env = _env(docs, haproxy)
    assert set(env) == _expanded(DEPLOY / "haproxy.cfg")
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
    rasa = next(d for d in docs if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "rasa")
    assert rasa["spec"]["replicas"] == 2
    for variable, pod in (("RASA1_ADDR", "rasa-0"), ("RASA2_ADDR", "rasa-1")):
        host, port = env[variable].split(":")
        assert host == pod and pod in services  # a Service per replica pod
        selector = services[pod]["spec"]["selector"]
        assert selector["statefulset.kubernetes.io/pod-name"] == pod
        assert int(port) == services[pod]["spec"]["ports"][0]["port"]
    for _, container in _containers(docs):
        for item in container.get("env", []):
            ref = (item.get("valueFrom") or {}).get("secretKeyRef")
            if ref:
                assert ref["name"] == "gemeente-assistent-secrets"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kubectl_kustomize_renders_the_topology() -> None:
    done = subprocess.run(["kubectl", "kustomize", str(DEPLOY)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    rendered = [d for d in yaml.safe_load_all(done.stdout) if d]
    kinds = sorted(f"{d['kind']}/{d['metadata']['name']}" for d in rendered
                   if d["kind"] in ("Deployment", "StatefulSet"))
    assert kinds == ["Deployment/actions", "Deployment/balancer", "Deployment/console",
                     "Deployment/redis", "Deployment/retention", "StatefulSet/postgres",
                     "StatefulSet/rasa"]
    balancer = next(d for d in rendered if d["metadata"]["name"] == "balancer"
                    and d["kind"] == "Deployment")
    volume = balancer["spec"]["template"]["spec"]["volumes"][0]["configMap"]["name"]
    assert volume.startswith("haproxy-config-")  # the generated, content-hashed ConfigMap
    generated = next(d for d in rendered if d["metadata"]["name"] == volume)
    assert generated["data"]["haproxy.cfg"] == (DEPLOY / "haproxy.cfg").read_text()


def test_the_balancer_forwards_the_resident_address_and_the_apps_believe_it() -> None:
    """Without this every resident behind HAProxy counts as the balancer's address, and one
    region would share one web chat rate limit."""
    cfg = (DEPLOY / "haproxy.cfg").read_text()
    assert re.search(r"^\s*option forwardfor\b", cfg, re.M)
    cluster = (ROOT / "scripts" / "cluster.sh").read_text()
    assert 'TRUSTED_PROXIES="${TRUSTED_PROXIES:-127.0.0.1,::1}"' in cluster
    compose = (DEPLOY / "docker-compose.yml").read_text()
    assert re.search(r"TRUSTED_PROXIES: \$\{TRUSTED_PROXIES:-[0-9./,]+\}", compose)
    config = (DEPLOY / "kubernetes" / "config.yaml").read_text()
    assert re.search(r'TRUSTED_PROXIES: "[0-9./,]+"', config)
