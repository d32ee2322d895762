"""Pulumi mocks for the offline preview: stand-in ids and outputs, answers to invokes, and a
monitor that records every registration exactly as the engine would receive it.

`OfflineMocks.new_resource` returns a deterministic id (a hash of the URN, so two previews of
the same plan give the same graph) and the resource's inputs plus the computed outputs the
stack program reads (ARNs, self links, e-mails, mount targets). `OfflineMocks.call` answers
data sources from `resource_graph.invokes`. Strict mocks (Cloudwright's own stack program)
refuse any other invoke, so a new data source cannot silently return nothing; lenient mocks
(a user's program) answer it with the generic fallback, shaped like the SDK's result, and
record the token in `stand_ins` so the graph can say so. Every value made up is recognisable
as fake (account 123456789012, subscription 00000000-..., project from the stack config).

Resources and invokes on the default provider see the stack config of their package
(`aws:region` → region), as the engine configures a default provider.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from cloudwright.components.tags import short_hash
from cloudwright.core.errors import DataError
from cloudwright.resource_graph.invokes import (
    ANSWERS,
    FAKE_AWS_ACCOUNT,
    FAKE_AZURE_SUBSCRIPTION,
    fake_uuid,
    shaped,
)
from cloudwright.resource_graph.model import cloud_of_type

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


class OfflineMocks(pulumi_mocks.Mocks):
    """Ids, outputs and invoke answers for the offline preview."""

    def __init__(self, config: Mapping[str, Any] | None = None, *, lenient: bool = False) -> None:
        self.provider_inputs: dict[str, dict[str, Any]] = {}  # provider urn → its inputs
        self.config = dict(config or {})
        self.lenient = lenient
        self.stand_ins: dict[str, int] = {}  # invoke token → calls answered by the fallback

    # ---- helpers --------------------------------------------------------------------------
    def _provider(self, reference: str | None, package: str) -> dict[str, Any]:
        """The explicit provider's inputs, else the default provider's: the stack config of
        `package` (`aws:region` → {"region": ...}), as the engine configures it."""
        if reference:
            urn = reference.rsplit("::", 1)[0] if reference.count("::") >= 4 else reference
            if urn in self.provider_inputs:
                return self.provider_inputs[urn]
            if not urn.rsplit("::", 1)[-1].startswith("default"):
                return {}
        prefix = f"{package}:"
        return {k.removeprefix(prefix): v for k, v in self.config.items() if k.startswith(prefix)}

    # ---- resources ------------------------------------------------------------------------
    def new_resource(
        self, args: pulumi_mocks.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        if not args.custom:
            return None, {}
        seed = f"{args.typ}::{args.name}"
        cloud = cloud_of_type(args.typ)
        provider = self._provider(args.provider, args.typ.split(":", 1)[0])
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
        answer = ANSWERS.get(args.token)
        if answer is None and not self.lenient:
            raise DataError(
                f"the offline preview has no stand-in for the data source {args.token}",
                hint="add one in resource_graph/invokes.py",
            )
        if answer is None:
            self.stand_ins[args.token] = self.stand_ins.get(args.token, 0) + 1
            return shaped(args.token, None, args.args), []
        provider = self._provider(args.provider, args.token.split(":", 1)[0])
        return shaped(args.token, answer(args.args, provider), args.args), []


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
        state.update(principalId=fake_uuid(seed + "p"), clientId=fake_uuid(seed + "c"))
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
