"""GPU node pools on managed Kubernetes: the cloud-neutral side (specs, kit, device plugins).

A `platform: kubernetes` workload runs as a GPU node pool in one managed cluster per cloud
and region (EKS, GKE, AKS), with the same fabric guarantees as the VM clusters: EFA
interfaces and a cluster placement group on EKS, compact placement and GPUDirect additional
node networks on GKE, an InfiniBand SKU in one fixed-size pool on AKS. Each cloud's module
(`components/<cloud>/kubernetes.py`) holds the `KubernetesCluster` and `GpuNodePool`
components and a `KubernetesKit` (`K8S_KIT`) that turns these specs into their args.

The device plugins a pool needs are not deployed here (no pulumi-kubernetes dependency):
the pool component outputs them as Kubernetes manifests (`deviceManifests`, multi-document
YAML in JSON flow style) for `kubectl apply -f -`.
"""

from __future__ import annotations

import abc
import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cloudwright.components.interface import (
    CLOUD_MODULES,
    ClusterNetwork,
    ClusterStorage,
    FabricSpec,
    Market,
)

if TYPE_CHECKING:
    import pulumi

# Kubernetes' own taint for GPU nodes (GKE adds it to GPU pools; EKS/AKS pools get it here),
# so only pods that ask for GPUs land on them.
GPU_TAINT_KEY = "nvidia.com/gpu"
NVIDIA_PLUGIN_IMAGE = "nvcr.io/nvidia/k8s-device-plugin:v0.17.0"
# The EKS EFA device plugin image lives in the EKS add-on registry account of the region.
EFA_PLUGIN_IMAGE = (
    "602401143452.dkr.ecr.{region}.amazonaws.com/eks/aws-efa-k8s-device-plugin:v0.5.6"
)


@dataclass(frozen=True)
class KubernetesClusterSpec:
    """One managed cluster per cloud and region."""

    cluster: str  # slug used in resource names
    region: str
    tags: Mapping[str, str]
    cidr_block: str  # the cluster network's block (authorised to reach a private endpoint)
    existing: str | None = None  # adopt this cluster (name / id) instead of creating one
    project: str | None = None  # gcp


@dataclass(frozen=True)
class NodePoolSpec:
    """One workload's GPU node pool."""

    cluster: str
    workload: str
    region: str
    zone: str | None
    instance_type: str
    nodes: int
    gpu: str | None
    gpu_count: int
    fabric: FabricSpec
    tags: Mapping[str, str]
    arch: str = "x86_64"
    market: Market = Market.ON_DEMAND
    reservation: str | None = None
    boot_disk_gb: int = 200
    efa_only: bool = True
    encryption_at_host: bool = True
    project: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


class KubernetesKit(abc.ABC):
    """One cloud's managed Kubernetes side of the stack program."""

    cloud: str

    @abc.abstractmethod
    def cluster(
        self,
        name: str,
        spec: KubernetesClusterSpec,
        network: ClusterNetwork,
        opts: pulumi.ResourceOptions,
    ) -> Any: ...

    @abc.abstractmethod
    def node_pool(
        self,
        name: str,
        spec: NodePoolSpec,
        cluster: Any,
        network: ClusterNetwork,
        storage: ClusterStorage,
        opts: pulumi.ResourceOptions,
    ) -> Any: ...


def load_kubernetes_kit(cloud: str) -> KubernetesKit:
    """Import `components/<cloud>/kubernetes.py` (only for clouds the plan uses)."""
    from cloudwright.core.errors import UnknownNameError

    if cloud not in CLOUD_MODULES:
        raise UnknownNameError("cloud", cloud, CLOUD_MODULES)
    module = importlib.import_module(f"{CLOUD_MODULES[cloud]}.kubernetes")
    kit: KubernetesKit = module.K8S_KIT
    return kit


# ---- device plugins, as manifests the user applies -------------------------------------------


def _daemonset(
    name: str, image: str, labels: Mapping[str, str], container: dict[str, Any]
) -> dict[str, Any]:
    selector = {"name": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": "kube-system", "labels": dict(labels)},
        "spec": {
            "selector": {"matchLabels": selector},
            "updateStrategy": {"type": "RollingUpdate"},
            "template": {
                "metadata": {"labels": selector},
                "spec": {
                    "priorityClassName": "system-node-critical",
                    "tolerations": [
                        {"key": GPU_TAINT_KEY, "operator": "Exists", "effect": "NoSchedule"},
                        {"key": "CriticalAddonsOnly", "operator": "Exists"},
                    ],
                    "nodeSelector": {"cloudwright.io/gpu-pool": "true"},
                    "hostNetwork": True,
                    "containers": [{"name": name, "image": image, **container}],
                    "volumes": [
                        {
                            "name": "device-plugin",
                            "hostPath": {"path": "/var/lib/kubelet/device-plugins"},
                        }
                    ],
                },
            },
        },
    }


_MOUNT = {
    "volumeMounts": [{"name": "device-plugin", "mountPath": "/var/lib/kubelet/device-plugins"}]
}


def nvidia_device_plugin() -> dict[str, Any]:
    """NVIDIA's k8s-device-plugin: advertises `nvidia.com/gpu` on the pool's nodes."""
    return _daemonset(
        "nvidia-device-plugin",
        NVIDIA_PLUGIN_IMAGE,
        {"app.kubernetes.io/managed-by": "cloudwright"},
        {
            "env": [{"name": "FAIL_ON_INIT_ERROR", "value": "false"}],
            "securityContext": {
                "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]},
            },
            **_MOUNT,
        },
    )


def efa_device_plugin(region: str) -> dict[str, Any]:
    """AWS's EFA device plugin: advertises `vpc.amazonaws.com/efa` (one per EFA interface)."""
    return _daemonset(
        "aws-efa-k8s-device-plugin",
        EFA_PLUGIN_IMAGE.format(region=region),
        {"app.kubernetes.io/managed-by": "cloudwright"},
        {"securityContext": {"privileged": True}, **_MOUNT},
    )


def manifests(*documents: Mapping[str, Any]) -> str:
    """Multi-document YAML (each document in JSON flow style, which YAML 1.2 reads)."""
    return "".join(f"---\n{json.dumps(doc, indent=2, sort_keys=True)}\n" for doc in documents)


POOL_LABEL = {"cloudwright.io/gpu-pool": "true"}
