"""Stack settings: the `cloudwright:*` (and `gcp:project`) keys of a Pulumi.<stack>.yaml, typed.

One parser serves `pulumi up` (values from `pulumi.Config`) and the offline preview (values
read from the YAML file): `StackSettings.parse(mapping, origin)` takes full keys
(`cloudwright:owner`) and raises InputError naming the key on bad values.

Keys (all optional):
  cloudwright:plan           plan lock to deploy, relative to the project root (plan.json)
  cloudwright:catalog        catalog snapshot directory (default: the packaged one)
  cloudwright:owner, cloudwright:costCenter   tag values (a plan assignment's tags win)
  cloudwright:sshCidrs       SSH source ranges, e.g. [10.20.0.0/16]; default none
  cloudwright:sshPublicKey   admin key for Azure nodes (Azure requires one)
  cloudwright:cidrPool       private range carved into one /16 per workload (10.0.0.0/8)
  cloudwright:natGateway     outbound internet for nodes through NAT (true)
  cloudwright:efaOnly        AWS: secondary EFA interfaces as efa-only (true)
  cloudwright:forceDestroy   let `pulumi destroy` delete non-empty buckets (false)
  cloudwright:azureEncryptionAtHost   (true; needs the subscription feature registered)
  cloudwright:eksCluster, gkeCluster, aksCluster   adopt an existing managed cluster (name;
                             AKS: resourceGroup/name) for the plan's kubernetes workloads
                             of that cloud instead of creating one (one region per cloud)
  cloudwright:workloads      per-workload overrides: {name: {market, reservation, image,
                             filesystem, zone, bootDiskGb, cidr, kmsKey}}
  gcp:project                GCP project (required when the plan uses GCP)
  azure-native:subscriptionId  Azure subscription (default: the CLI's)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudwright.components.interface import FileSystemKind, Market
from cloudwright.components.sizing import validate_admin_cidrs
from cloudwright.core.errors import InputError
from cloudwright.optimizer.models.infrastructure import BOOT_DISK_GB

NS = "cloudwright"
DEFAULT_PLAN = "plan.json"
DEFAULT_CIDR_POOL = "10.0.0.0/8"
DEFAULT_BOOT_DISK_GB = BOOT_DISK_GB  # optimizer.models.infrastructure: the plan prices it
MAX_BOOT_DISK_GB = 65_536  # the largest boot disk any of the three clouds offers is 64 TiB

_OVERRIDE_KEYS = (
    "queued",
    "market",
    "reservation",
    "image",
    "filesystem",
    "zone",
    "bootDiskGb",
    "cidr",
    "kmsKey",
)


@dataclass(frozen=True)
class WorkloadOverrides:
    market: Market | None = None
    reservation: str | None = None
    image: str | None = None
    filesystem: FileSystemKind | None = None
    zone: str | None = None
    boot_disk_gb: int | None = None
    cidr: str | None = None
    kms_key: str | None = None
    # GCP TPU slices: request capacity through a queued resource (waits for capacity)
    # instead of creating the TPU VM directly.
    queued: bool = False


@dataclass(frozen=True)
class StackSettings:
    plan: str = DEFAULT_PLAN
    catalog: str | None = None
    owner: str | None = None
    cost_center: str | None = None
    admin_cidrs: tuple[str, ...] = ()
    ssh_public_key: str | None = None
    cidr_pool: str = DEFAULT_CIDR_POOL
    nat: bool = True
    efa_only: bool = True
    force_destroy: bool = False
    azure_encryption_at_host: bool = True
    gcp_project: str | None = None
    azure_subscription: str | None = None
    workloads: Mapping[str, WorkloadOverrides] = field(default_factory=dict)
    # cloud → an existing EKS / GKE / AKS cluster to adopt (cloudwright:eksCluster, ...).
    kubernetes_clusters: Mapping[str, str] = field(default_factory=dict)

    def overrides(self, workload: str) -> WorkloadOverrides:
        return self.workloads.get(workload, WorkloadOverrides())

    @classmethod
    def parse(cls, config: Mapping[str, Any], origin: str = "stack config") -> StackSettings:
        def where(key: str) -> str:
            return f"{origin}: {key}"

        def text(key: str) -> str | None:
            value = config.get(key)
            if value is None or value == "":
                return None
            if not isinstance(value, str):
                raise InputError(f"expected a string, got {value!r}", location=where(key))
            return value

        cidrs = _list(config.get(f"{NS}:sshCidrs"), where(f"{NS}:sshCidrs"))
        return cls(
            plan=text(f"{NS}:plan") or DEFAULT_PLAN,
            catalog=text(f"{NS}:catalog"),
            owner=text(f"{NS}:owner"),
            cost_center=text(f"{NS}:costCenter"),
            admin_cidrs=validate_admin_cidrs(cidrs, location=where(f"{NS}:sshCidrs")),
            ssh_public_key=text(f"{NS}:sshPublicKey"),
            cidr_pool=text(f"{NS}:cidrPool") or DEFAULT_CIDR_POOL,
            nat=_bool(config, f"{NS}:natGateway", True, where),
            efa_only=_bool(config, f"{NS}:efaOnly", True, where),
            force_destroy=_bool(config, f"{NS}:forceDestroy", False, where),
            azure_encryption_at_host=_bool(config, f"{NS}:azureEncryptionAtHost", True, where),
            gcp_project=text("gcp:project"),
            azure_subscription=text("azure-native:subscriptionId"),
            workloads=_workloads(config.get(f"{NS}:workloads"), where(f"{NS}:workloads")),
            kubernetes_clusters={
                cloud: name
                for cloud, key in KUBERNETES_CLUSTER_KEYS.items()
                if (name := text(f"{NS}:{key}")) is not None
            },
        )


def _bool(config: Mapping[str, Any], key: str, default: bool, where: Any) -> bool:
    value = config.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InputError(f"expected true or false, got {value!r}", location=where(key))


def _list(value: Any, location: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = _json(value, location) if value.strip().startswith("[") else value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"expected a list of strings, got {value!r}", location=location)
    return [v.strip() for v in value if v.strip()]


def _workloads(value: Any, location: str) -> dict[str, WorkloadOverrides]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        value = _json(value, location)
    if not isinstance(value, Mapping):
        raise InputError("expected a map of workload name → overrides", location=location)
    return {str(name): _override(raw, f"{location}.{name}") for name, raw in value.items()}


def _json(text: str, location: str) -> Any:
    """A config value holding JSON (`pulumi config set --path` writes structured values as
    text): read by the project's bounded JSON reader."""
    from cloudwright.core.jsonsource import parse_json

    return parse_json(text, location)


def _override(raw: Any, location: str) -> WorkloadOverrides:
    if not isinstance(raw, Mapping):
        raise InputError("expected a map of overrides", location=location)
    unknown = sorted(set(raw) - set(_OVERRIDE_KEYS))
    if unknown:
        from cloudwright.core.errors import UnknownNameError

        raise UnknownNameError("override", unknown[0], _OVERRIDE_KEYS, location=location)
    try:
        market = Market(raw["market"]) if raw.get("market") else None
        filesystem = FileSystemKind(raw["filesystem"]) if raw.get("filesystem") else None
    except ValueError as exc:
        raise InputError(
            str(exc),
            location=location,
            hint=f"market: {', '.join(m.value for m in Market)}; "
            f"filesystem: {', '.join(k.value for k in FileSystemKind)}",
        ) from exc
    disk = raw.get("bootDiskGb")
    if disk is not None and (
        isinstance(disk, bool) or not isinstance(disk, int) or not 0 < disk <= MAX_BOOT_DISK_GB
    ):
        raise InputError(
            f"bootDiskGb must be a whole number of GB from 1 to {MAX_BOOT_DISK_GB}, got {disk!r}",
            location=location,
        )
    queued = raw.get("queued", False)
    if not isinstance(queued, bool):
        raise InputError(f"queued: expected true or false, got {queued!r}", location=location)
    return WorkloadOverrides(
        queued=queued,
        market=market,
        reservation=_name(raw, "reservation", location),
        image=_name(raw, "image", location),
        filesystem=filesystem,
        zone=_name(raw, "zone", location),
        boot_disk_gb=disk,
        cidr=_name(raw, "cidr", location),
        kms_key=_name(raw, "kmsKey", location),
    )


def _name(raw: Mapping[str, Any], key: str, location: str) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"{key}: expected a string, got {value!r}", location=location)
    return value


def read_stack_file(path: str | Path) -> dict[str, Any]:
    """The `config:` map of a Pulumi.<stack>.yaml; encrypted (`secure:`) values are left out,
    since only the Pulumi CLI can decrypt them (the keys they set fall back to defaults)."""
    from cloudwright.core.yamlsource import load_stack_config

    config, _ = load_stack_config(path, secure="omit")
    return config


def stack_file(root: Path, stack: str) -> Path:
    return root / "stacks" / f"Pulumi.{stack}.yaml"


def plan_path(root: Path, stack: str) -> Path:
    """The plan a stack deploys: its `cloudwright:plan` (relative to the project root), else
    plan.json in the project root."""
    file = stack_file(root, stack)
    configured = None
    if file.is_file():
        configured = read_stack_file(file).get(f"{NS}:plan")
    return root / (configured if isinstance(configured, str) and configured else DEFAULT_PLAN)


_OBJECT_KEYS = ("sshCidrs", "workloads")
KUBERNETES_CLUSTER_KEYS = {"aws": "eksCluster", "gcp": "gkeCluster", "azure": "aksCluster"}
_TEXT_KEYS = (
    "plan",
    "catalog",
    "owner",
    "costCenter",
    "sshPublicKey",
    "cidrPool",
    "natGateway",
    "efaOnly",
    "forceDestroy",
    "azureEncryptionAtHost",
    *KUBERNETES_CLUSTER_KEYS.values(),
)


def config_keys() -> dict[str, Any]:
    """The settings this program reads, from the running Pulumi stack's config."""
    import pulumi

    own = pulumi.Config(NS)
    values: dict[str, Any] = {f"{NS}:{k}": own.get(k) for k in _TEXT_KEYS}
    values.update({f"{NS}:{k}": own.get_object(k) for k in _OBJECT_KEYS})
    values["gcp:project"] = pulumi.Config("gcp").get("project")
    values["azure-native:subscriptionId"] = pulumi.Config("azure-native").get("subscriptionId")
    return values
