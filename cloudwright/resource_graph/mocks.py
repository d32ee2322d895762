"""Pulumi mocks for the offline preview: stand-in ids and outputs, answers to invokes, and a
monitor that records every registration exactly as the engine would receive it.

`OfflineMocks.new_resource` returns a deterministic id (a hash of the URN, so two previews of
the same plan give the same graph) and the resource's inputs plus the computed outputs the
stack program reads (ARNs, self links, e-mails, mount targets). `OfflineMocks.call` answers the
few data sources the components use; any other invoke is an error, so a new data source
cannot silently return nothing. Every value it makes up is recognisable as fake (account
123456789012, subscription 00000000-..., project from the stack config).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from cloudwright.components.tags import short_hash
from cloudwright.core.errors import DataError
from cloudwright.resource_graph.model import cloud_of_type

FAKE_AWS_ACCOUNT = "123456789012"
FAKE_AZURE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
FAKE_AZURE_TENANT = "00000000-0000-0000-0000-00000000a11d"
FAKE_PRIVATE_IP = "10.255.0.2"
STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class Registration:
    """One RegisterResource call, as the engine received it."""

    urn: str
    type: str
    name: str
    parent: str | None
    provider: str | None  # provider reference: '<provider urn>::<id>'
    custom: bool
    inputs: dict[str, Any]
    id: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)


def _fake_uuid(seed: str) -> str:
    h = short_hash(seed, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _aws_zone_prefix(region: str) -> str:
    """A plausible zone-ID prefix: us-east-1 → use1 (made up for mocks; AWS's own IDs differ
    in places, e.g. apse2)."""
    parts = region.split("-")
    return parts[0] + "".join(p[0] for p in parts[1:-1]) + parts[-1] if len(parts) >= 3 else region


class OfflineMocks(pulumi_mocks.Mocks):
    """Ids, outputs and invoke answers for the offline preview."""

    def __init__(self) -> None:
        self.provider_inputs: dict[str, dict[str, Any]] = {}  # provider urn → its inputs

    # ---- helpers --------------------------------------------------------------------------
    def _provider(self, reference: str | None) -> dict[str, Any]:
        if not reference:
            return {}
        urn = reference.rsplit("::", 1)[0] if reference.count("::") >= 4 else reference
        return self.provider_inputs.get(urn, {})

    # ---- resources ------------------------------------------------------------------------
    def new_resource(
        self, args: pulumi_mocks.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        if not args.custom:
            return None, {}
        seed = f"{args.typ}::{args.name}"
        cloud = cloud_of_type(args.typ)
        provider = self._provider(args.provider)
        kind = args.typ.rsplit(":", 1)[-1]
        state = dict(args.inputs)
        physical = str(args.inputs.get("name") or f"{args.name}-{short_hash(seed, 7)}")
        state.setdefault("name", physical)
        if args.typ.startswith("pulumi:providers:"):
            return f"{args.name}-provider", state
        if cloud == "aws":
            return _aws_outputs(args, kind, seed, provider, state)
        if cloud == "gcp":
            return _gcp_outputs(args, kind, seed, provider, state)
        if cloud == "azure":
            return _azure_outputs(args, kind, seed, provider, state)
        return f"{kind.lower()}-{short_hash(seed, 12)}", state

    # ---- invokes --------------------------------------------------------------------------
    def call(
        self, args: pulumi_mocks.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        answer = _CALLS.get(args.token)
        if answer is None:
            raise DataError(
                f"the offline preview has no stand-in for the data source {args.token}",
                hint="add one in resource_graph/mocks.py",
            )
        return answer(args.args, self._provider(args.provider)), []


def _aws_outputs(
    args: pulumi_mocks.MockResourceArgs,
    kind: str,
    seed: str,
    provider: Mapping[str, Any],
    state: dict[str, Any],
) -> tuple[str, dict[str, Any]]:
    region = str(args.inputs.get("region") or provider.get("region") or "us-east-1")
    service = args.typ.split(":")[1].split("/")[0]
    h = short_hash(seed, 17)
    name = str(state["name"])
    resource_id = f"{kind[:4].lower()}-{h}"
    if kind == "Bucket":
        resource_id = name
        state.update(bucket=name, arn=f"arn:aws:s3:::{name}")
    elif service == "iam":
        resource_id = name
        state["arn"] = f"arn:aws:iam::{FAKE_AWS_ACCOUNT}:{kind.lower()}/{name}"
    elif kind == "Group":
        resource_id = name
    else:
        state["arn"] = f"arn:aws:{service}:{region}:{FAKE_AWS_ACCOUNT}:{kind.lower()}/{resource_id}"
    if kind == "LaunchTemplate":
        state["latestVersion"] = 1
    if kind == "LustreFileSystem":
        state.update(dnsName=f"{resource_id}.fsx.{region}.amazonaws.com", mountName=h[:8])
    return resource_id, state


def _gcp_outputs(
    args: pulumi_mocks.MockResourceArgs,
    kind: str,
    seed: str,
    provider: Mapping[str, Any],
    state: dict[str, Any],
) -> tuple[str, dict[str, Any]]:
    project = str(args.inputs.get("project") or provider.get("project") or "offline-preview")
    name = str(state["name"]).lower()
    state["name"] = name
    collection = kind[0].lower() + kind[1:] + "s"
    scope = args.inputs.get("zone") or args.inputs.get("region")
    path = f"projects/{project}/" + (
        f"{'zones' if args.inputs.get('zone') else 'regions'}/{scope}/" if scope else "global/"
    )
    resource_id = f"{path}{collection}/{name}"
    state["selfLink"] = f"https://www.googleapis.com/compute/v1/{resource_id}"
    if kind == "Account":
        account = str(args.inputs.get("accountId") or name)
        state.update(
            email=f"{account}@{project}.iam.gserviceaccount.com", uniqueId=short_hash(seed, 21)
        )
        resource_id = f"projects/{project}/serviceAccounts/{state['email']}"
    elif kind == "Bucket":
        state["url"] = f"gs://{name}"
        resource_id = name
    elif kind == "GlobalAddress":
        state["address"] = "10.254.0.0"
    elif args.typ.startswith("gcp:lustre/"):
        state["mountPoint"] = f"{FAKE_PRIVATE_IP}@tcp:/{args.inputs.get('filesystem', 'lustre')}"
    elif args.typ.startswith("gcp:filestore/"):
        networks = [dict(n, ipAddresses=[FAKE_PRIVATE_IP]) for n in args.inputs.get("networks", [])]
        state["networks"] = networks
    return resource_id, state


def _azure_outputs(
    args: pulumi_mocks.MockResourceArgs,
    kind: str,
    seed: str,
    provider: Mapping[str, Any],
    state: dict[str, Any],
) -> tuple[str, dict[str, Any]]:
    name = str(state["name"])
    module = args.typ.split(":")[1]
    group = args.inputs.get("resourceGroupName")
    prefix = f"/subscriptions/{FAKE_AZURE_SUBSCRIPTION}"
    if kind == "ResourceGroup":
        resource_id = f"{prefix}/resourceGroups/{name}"
    else:
        scope = f"{prefix}/resourceGroups/{group}" if group else prefix
        namespace = _AZURE_NAMESPACES.get(module, module.capitalize())
        resource_id = f"{scope}/providers/Microsoft.{namespace}/{_plural(kind)}/{name}"
    identity = state.get("identity")
    if isinstance(identity, Mapping) and isinstance(identity.get("userAssignedIdentities"), list):
        # Inputs list the identities' ids; the API answers with a map keyed by id.
        ids = identity["userAssignedIdentities"]
        state["identity"] = {**identity, "userAssignedIdentities": {i: {} for i in ids}}
    if kind == "UserAssignedIdentity":
        state.update(principalId=_fake_uuid(seed + "p"), clientId=_fake_uuid(seed + "c"))
    if kind == "AmlFilesystem":
        state["clientInfo"] = {"mgsAddress": FAKE_PRIVATE_IP}
    if kind == "StorageAccount":
        state["primaryEndpoints"] = {"blob": f"https://{name}.blob.core.windows.net/"}
    return resource_id, state


_AZURE_NAMESPACES = {
    "managedidentity": "ManagedIdentity",
    "storagecache": "StorageCache",
    "network": "Network",
    "compute": "Compute",
    "storage": "Storage",
    "authorization": "Authorization",
}


def _plural(kind: str) -> str:
    word = kind[0].lower() + kind[1:]
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _aws_zones(args: Mapping[str, Any], provider: Mapping[str, Any]) -> dict[str, Any]:
    region = str(args.get("region") or provider.get("region") or "us-east-1")
    prefix = _aws_zone_prefix(region)
    return {
        "id": region,
        "names": [f"{region}{z}" for z in "abc"],
        "zoneIds": [f"{prefix}-az{i}" for i in (1, 2, 3)],
        "groupNames": [region] * 3,
    }


def _ssm_parameter(args: Mapping[str, Any], provider: Mapping[str, Any]) -> dict[str, Any]:
    name = str(args.get("name", ""))
    region = str(provider.get("region") or "us-east-1")
    return {
        "id": name,
        "name": name,
        "type": "String",
        "value": f"ami-{short_hash(name + region, 17)}",
        "insecureValue": f"ami-{short_hash(name + region, 17)}",
        "version": 1,
        "arn": f"arn:aws:ssm:{region}::parameter{name}",
        "withDecryption": True,
    }


def _gcp_zones(args: Mapping[str, Any], provider: Mapping[str, Any]) -> dict[str, Any]:
    region = str(args.get("region") or provider.get("region") or "us-central1")
    return {
        "id": region,
        "names": [f"{region}-{z}" for z in "abc"],
        "project": provider.get("project", "offline-preview"),
        "region": region,
    }


def _azure_client(args: Mapping[str, Any], provider: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "clientId": _fake_uuid("client"),
        "objectId": _fake_uuid("object"),
        "subscriptionId": provider.get("subscriptionId") or FAKE_AZURE_SUBSCRIPTION,
        "tenantId": FAKE_AZURE_TENANT,
    }


_CALLS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": _aws_zones,
    "aws:ssm/getParameter:getParameter": _ssm_parameter,
    "gcp:compute/getZones:getZones": _gcp_zones,
    "azure-native:authorization:getClientConfig": _azure_client,
}


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """Pulumi's mock monitor, keeping every registration (with parent and provider, which the
    mocks alone never see) in the order the program made them."""

    mocks: OfflineMocks

    def __init__(self, mocks: OfflineMocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self._lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            self._keep(Registration(urn, request.type, request.name, None, None, False, {}))
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object)
        args = pulumi_mocks.MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=inputs,
            provider=request.provider or None,
            resource_id=request.importId or None,
            custom=bool(request.custom),
        )
        resource_id, state = self.mocks.new_resource(args)
        if request.type.startswith("pulumi:providers:"):
            self.mocks.provider_inputs[urn] = dict(inputs)
        obj_proto = _sync_await(rpc.serialize_properties(state, {}))
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(
            urn, resource_id or "", state
        )
        self._keep(
            Registration(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                provider=request.provider or None,
                custom=bool(request.custom),
                inputs=dict(inputs),
                id=resource_id,
                state=state,
                # The SDK gathers dependencies in sets: sort them, so the same program gives
                # the same graph however its outputs happened to resolve.
                property_dependencies={
                    key: sorted(deps.urns) for key, deps in request.propertyDependencies.items()
                },
            )
        )
        return resource_pb2.RegisterResourceResponse(
            urn=urn, id=resource_id or "", object=obj_proto
        )

    def _keep(self, registration: Registration) -> None:
        with self._lock:
            self.registrations.append(registration)
