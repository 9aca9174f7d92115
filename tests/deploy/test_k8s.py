"""deploy/k8s/ is what `kubectl apply -k` would accept: every manifest valid against the Kubernetes schemas (offline,
the ones `kubernetes-validate` bundles; strict, so a misspelt field is refused rather than silently dropped), the
kustomization naming exactly the manifests beside it, and the names the manifests give each other (config, secret
keys, selectors, image) matching. The NATS Helm values are not a manifest: they parse, and hold what
docs/operations.md says they give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

pytestmark = pytest.mark.dateless

K8S = Path(__file__).parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.37.0"
"""The Kubernetes whose schemas the manifests must pass (the newest that kubernetes-validate 1.37 bundles)."""
NOT_MANIFESTS = {"kustomization.yaml", "nats-helm-values.yaml"}


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def _manifests() -> list[tuple[str, dict[str, Any]]]:
    return [(f"{path.name}: {doc.get('kind')} {doc.get('metadata', {}).get('name')}", doc)
            for path in sorted(K8S.glob("*.yaml")) if path.name not in NOT_MANIFESTS for doc in _documents(path)]


def _invalid(doc: dict[str, Any]) -> str | None:
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return f"{'.'.join(map(str, error.path))}: {error.message}"
    return None


def test_every_manifest_is_valid_for_kubernetes() -> None:
    manifests = _manifests()
    assert {doc["kind"] for _, doc in manifests} >= {"Namespace", "ConfigMap", "Secret", "Deployment", "Service",
                                                     "PodDisruptionBudget"}
    problems = {name: problem for name, doc in manifests if (problem := _invalid(doc)) is not None}
    assert problems == {}
    # The check has teeth: a misspelt field is refused.
    deployment = next(doc for _, doc in manifests if doc["kind"] == "Deployment")
    assert _invalid({**deployment, "spec": {**deployment["spec"], "replica": 2}}) is not None


def test_the_kustomization_holds_the_manifests_and_their_names_match() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert kustomization["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
    assert kustomization["kind"] == "Kustomization"
    # Every manifest file, and only those: one added beside the others but not listed would never be applied.
    assert sorted(kustomization["resources"]) == sorted(
        path.name for path in K8S.glob("*.yaml") if path.name not in NOT_MANIFESTS)
    docs = [doc for _, doc in _manifests()]
    namespaces = [doc["metadata"]["name"] for doc in docs if doc["kind"] == "Namespace"]
    assert namespaces == [kustomization["namespace"]]
    assert {doc["metadata"].get("namespace", kustomization["namespace"]) for doc in docs
            if doc["kind"] != "Namespace"} == {kustomization["namespace"]}

    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    secret_keys = {name: set(doc.get("stringData", {})) | set(doc.get("data", {}))
                   for name, doc in by_kind["Secret"].items()}
    images = {entry["name"] for entry in kustomization.get("images", [])}
    pod_labels = {}
    for name, deployment in by_kind["Deployment"].items():
        template = deployment["spec"]["template"]
        labels = template["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items(), name
        pod_labels[name] = labels
        for container in template["spec"]["containers"]:
            assert container["image"].split(":")[0] in images, f"{name}: {container['image']} is not in images"
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in by_kind["ConfigMap"], name
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in by_kind["Secret"], name
            for variable in container.get("env", []):
                reference = variable.get("valueFrom", {}).get("secretKeyRef")
                if reference is not None:
                    assert reference["key"] in secret_keys[reference["name"]], f"{name}: {variable['name']}"
                reference = variable.get("valueFrom", {}).get("configMapKeyRef")
                if reference is not None:
                    assert reference["key"] in by_kind["ConfigMap"][reference["name"]]["data"], name
    selectors = [("Service", name, doc["spec"]["selector"]) for name, doc in by_kind["Service"].items()]
    selectors += [("PodDisruptionBudget", name, doc["spec"]["selector"]["matchLabels"])
                  for name, doc in by_kind["PodDisruptionBudget"].items()]
    for kind, name, selector in selectors:
        selected = any(selector.items() <= labels.items() for labels in pod_labels.values())
        assert selected, f"{kind} {name} selects no pod"


def test_the_nats_helm_values_give_what_the_docs_promise() -> None:
    values = yaml.safe_load((K8S / "nats-helm-values.yaml").read_text())
    config = values["config"]
    assert config["cluster"]["enabled"] is True
    assert config["cluster"]["replicas"] == 3
    assert config["jetstream"]["enabled"] is True
    assert config["jetstream"]["fileStore"]["enabled"] is True
    assert config["jetstream"]["fileStore"]["pvc"]["enabled"] is True
    # nats-server acknowledges only what reached the disk (the relay moves its checkpoint on the acknowledgement).
    assert config["jetstream"]["merge"]["sync_interval"] == "always"
