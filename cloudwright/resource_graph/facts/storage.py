"""Where a resource keeps data, and whether that data is encrypted at rest.

`stores(resource, index)` lists each data store a resource holds, every form included:
- AWS block storage: EBS volumes; instances', spot requests' and launch configurations'
  `rootBlockDevice` / `ebsBlockDevices`; launch templates' `blockDeviceMappings[].ebs`;
  Spot Fleet launch specifications; EBS snapshots (their volume's state) and snapshot copies
  (`encrypted`, else the source's). EBS encrypts only when asked (or when the account's
  default switch, which a stack cannot see, is on), so `encrypted` must say true; a volume
  restored from a snapshot inherits the snapshot's state.
- AWS file and database storage: EFS (`encrypted`, default false), FSx (always encrypted),
  RDS instances and Aurora/RDS clusters (`storageEncrypted`, default false; a restore or a
  replica inherits its source; Aurora Serverless v1 is always encrypted), RDS snapshot copies.
- S3: every new object is encrypted (SSE-S3) since 2023; an SSE configuration (inline or a
  separate resource) must name a real algorithm.
- GCP (buckets, disks, instances' and templates' disks, snapshots, Cloud SQL) and Azure
  (managed disks, VM and scale-set OS disks, storage accounts, Managed Lustre, SQL with
  transparent data encryption on) always encrypt; what can be asked is a customer-managed key.
  Azure SQL's TDE can be turned off (`TransparentDataEncryption` state Disabled, classic
  `transparentDataEncryptionEnabled: false`).
Each `Store` says encrypted (True / False / Unknown / None = not said, `default` applies)
and whether a customer-managed key is named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cloudwright.resource_graph.facts.index import GraphIndex
from cloudwright.resource_graph.facts.values import as_bool, as_list, first, lookup, lower, read
from cloudwright.resource_graph.model import Resource, Unknown

Flag = bool | Unknown | None

S3_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
FSX_SCRATCH = ("SCRATCH_1", "SCRATCH_2")
AZURE_CMK_DISK_TYPES = (
    "encryptionatrestwithcustomerkey",
    "encryptionatrestwithplatformandcustomerkeys",
)


@dataclass(frozen=True)
class Store:
    """One place data rests, as far as the resource's inputs say."""

    label: str  # "the volume", "rootBlockDevice", "blockDeviceMappings[0].ebs"
    encrypted: Flag  # None: not said (`default` applies)
    default: bool  # what the cloud does when nothing is said
    fix: str = ""  # the input to set, e.g. "rootBlockDevice.encrypted to true"
    detail: str = ""  # why it is not encrypted, when more than "not encrypted"
    inherited: bool = False  # restored/copied: the source's encryption applies
    cmk: Flag = False  # a customer-managed key is named (Unknown: computed or secret)
    cmk_fix: str = ""  # how to name one
    cmk_impossible: str = ""  # why this store cannot take one (FSx scratch)

    @property
    def is_encrypted(self) -> Flag:
        """True/False, or Unknown; a store that says nothing takes its default (or its
        source's state, which counts as encrypted here: that store was judged already)."""
        if self.encrypted is not None:
            return self.encrypted
        return True if self.inherited else self.default


def _key(value: Any) -> Flag:
    if isinstance(value, Unknown):
        return value
    return bool(value)


def _ebs(block: Any, label: str, field: str) -> Store:
    encrypted = as_bool(lookup(block, "encrypted"))
    return Store(
        label,
        encrypted,
        False,
        fix=f"{field}encrypted to true",
        inherited=encrypted is None and lookup(block, "snapshotId") not in (None, ""),
        cmk=_key(lookup(block, "kmsKeyId")),
        cmk_fix=f"set {field}kmsKeyId to your KMS key",
    )


def _aws_instance(resource: Resource, index: GraphIndex) -> list[Store]:
    found = []
    root = read(resource, "rootBlockDevice")
    if isinstance(root, Mapping | Unknown):
        found.append(_ebs(root, "rootBlockDevice", "rootBlockDevice."))
    for number, device in enumerate(as_list(read(resource, "ebsBlockDevices"))):
        where = f"ebsBlockDevices[{number}]"
        found.append(_ebs(device, where, f"{where}."))
    return found


def _launch_template(resource: Resource, index: GraphIndex) -> list[Store]:
    found = []
    for number, mapping in enumerate(as_list(read(resource, "blockDeviceMappings"))):
        ebs = lookup(mapping, "ebs")
        if isinstance(ebs, Mapping | Unknown):
            where = f"blockDeviceMappings[{number}].ebs"
            found.append(_ebs(ebs, where, f"{where}."))
    return found


def _spot_fleet(resource: Resource, index: GraphIndex) -> list[Store]:
    found = []
    for number, spec in enumerate(as_list(read(resource, "launchSpecifications"))):
        for key in ("rootBlockDevices", "ebsBlockDevices"):
            for device_number, device in enumerate(as_list(lookup(spec, key))):
                where = f"launchSpecifications[{number}].{key}[{device_number}]"
                found.append(_ebs(device, where, f"{where}."))
    return found


def _volume(resource: Resource, index: GraphIndex) -> list[Store]:
    return [_ebs({**resource.outputs, **resource.inputs}, "the volume", "")]


def _source_state(found: Resource | None, index: GraphIndex) -> Flag:
    if found is None:
        return None
    stored = stores(found, index)
    return stored[0].is_encrypted if stored else None


def _snapshot(resource: Resource, index: GraphIndex) -> list[Store]:
    """A snapshot is encrypted exactly when its volume is."""
    volume_id = read(resource, "volumeId")
    volume = index.resolve(
        resource, ("aws:ebs/volume:Volume",), props=("volumeId",), ids=[volume_id]
    )
    state = _source_state(volume, index)
    recorded = as_bool(read(resource, "encrypted"))  # state files record it in outputs
    if state is None:
        state = (
            recorded
            if recorded is not None
            else (volume_id if isinstance(volume_id, Unknown) else Unknown())
        )
    detail = (
        f"its volume {volume.name} is not encrypted"
        if volume is not None and state is False
        else ""
    )
    return [
        Store(
            "the snapshot",
            state,
            False,
            fix="encrypted to true on its volume (or copy it with encrypted: true)",
            detail=detail,
            cmk=_key(read(resource, "kmsKeyId")),
            cmk_fix="snapshot a volume with kmsKeyId set",
        )
    ]


def _snapshot_copy(resource: Resource, index: GraphIndex) -> list[Store]:
    encrypted = as_bool(read(resource, "encrypted"))
    source_id = read(resource, "sourceSnapshotId")
    if encrypted is None:
        source = index.resolve(
            resource,
            ("aws:ebs/snapshot:Snapshot", "aws:ebs/snapshotCopy:SnapshotCopy"),
            props=("sourceSnapshotId",),
            ids=[source_id],
        )
        encrypted = _source_state(source, index) if source is not None else None
    return [
        Store(
            "the snapshot copy",
            encrypted,
            False,
            fix="encrypted to true",
            cmk=_key(read(resource, "kmsKeyId")),
            cmk_fix="set kmsKeyId to your KMS key",
        )
    ]


def _flag_store(
    key: str, label: str, *, inherit_keys: tuple[str, ...] = ()
) -> Callable[[Resource, GraphIndex], list[Store]]:
    def read_store(resource: Resource, index: GraphIndex) -> list[Store]:
        return [
            Store(
                label,
                as_bool(read(resource, key)),
                False,
                fix=f"{key} to true",
                inherited=any(read(resource, k) is not None for k in inherit_keys),
                cmk=_key(read(resource, "kmsKeyId")),
                cmk_fix="set kmsKeyId to your KMS key",
            )
        ]

    return read_store


def _rds_cluster(resource: Resource, index: GraphIndex) -> list[Store]:
    stored = _flag_store(
        "storageEncrypted",
        "the cluster",
        inherit_keys=("snapshotIdentifier", "replicationSourceIdentifier", "restoreToPointInTime"),
    )(resource, index)[0]
    if lower(read(resource, "engineMode")) == "serverless":
        return [Store(stored.label, True, True, cmk=stored.cmk, cmk_fix=stored.cmk_fix)]
    return [stored]


def _always(label: str, *paths: str, fix: str) -> Callable[[Resource, GraphIndex], list[Store]]:
    """A store the cloud always encrypts; the paths name its customer-managed key."""

    def read_store(resource: Resource, index: GraphIndex) -> list[Store]:
        return [Store(label, True, True, cmk=_key(read(resource, *paths)), cmk_fix=fix)]

    return read_store


def _fsx(resource: Resource, index: GraphIndex) -> list[Store]:
    deployment = read(resource, "deploymentType")
    scratch = resource.type.endswith("LustreFileSystem") and (
        deployment is None or deployment in FSX_SCRATCH
    )
    impossible = (
        f"{deployment or 'SCRATCH_1'} file systems are encrypted with FSx-managed keys only: use "
        "deploymentType PERSISTENT_2 with kmsKeyId set to your KMS key"
        if scratch
        else ""
    )
    return [
        Store(
            "the file system",
            True,
            True,
            cmk=_key(read(resource, "kmsKeyId")),
            cmk_fix="set kmsKeyId to your KMS key",
            cmk_impossible=impossible,
        )
    ]


def _sse_store(rule: Any, where: str) -> Store:
    default = first(
        rule, "applyServerSideEncryptionByDefault", "applyServerSideEncryptionByDefaults.0"
    )
    algorithm = lookup(default, "sseAlgorithm")
    if isinstance(algorithm, Unknown):
        state: Flag = algorithm
    else:
        state = algorithm in S3_ALGORITHMS
    kms = isinstance(algorithm, str) and algorithm.startswith("aws:kms")
    key = lookup(default, "kmsMasterKeyId")
    return Store(
        where,
        state,
        True,
        fix=f"{where}.sseAlgorithm to one of {', '.join(S3_ALGORITHMS)}",
        detail=f"{where}.sseAlgorithm is {algorithm!r}",
        cmk=key if isinstance(key, Unknown) else bool(kms and key),
        cmk_fix="set sseAlgorithm 'aws:kms' and kmsMasterKeyId to your KMS key",
    )


def _s3_bucket(resource: Resource, index: GraphIndex) -> list[Store]:
    inline = read(
        resource, "serverSideEncryptionConfiguration", "serverSideEncryptionConfigurations.0"
    )
    if not inline:
        return []
    return [_sse_store(first(inline, "rule", "rules.0"), "serverSideEncryptionConfiguration.rule")]


def _s3_sse_config(resource: Resource, index: GraphIndex) -> list[Store]:
    rules = read(resource, "rules")
    if isinstance(rules, Unknown):
        return [Store("rules", rules, True)]
    if not as_list(rules):
        return [
            Store(
                "the configuration",
                False,
                True,
                detail="no encryption rule",
                fix="rules[0].applyServerSideEncryptionByDefault.sseAlgorithm",
            )
        ]
    return [
        _sse_store(rule, f"rules[{n}].applyServerSideEncryptionByDefault")
        for n, rule in enumerate(as_list(rules))
    ]


def _azure_native_disk(resource: Resource, index: GraphIndex) -> list[Store]:
    kind = read(resource, "encryption.type")
    key_set = read(resource, "encryption.diskEncryptionSetId")
    cmk: Flag = (
        kind
        if isinstance(kind, Unknown)
        else (lower(kind) in AZURE_CMK_DISK_TYPES and bool(key_set))
    )
    fix = "set encryption.type 'EncryptionAtRestWithCustomerKey' and encryption.diskEncryptionSetId"
    return [Store("the disk", True, True, cmk=cmk, cmk_fix=fix)]


def _azure_native_account(resource: Resource, index: GraphIndex) -> list[Store]:
    source = read(resource, "encryption.keySource")
    cmk: Flag = source if isinstance(source, Unknown) else lower(source) == "microsoft.keyvault"
    fix = "set encryption.keySource 'Microsoft.Keyvault' and encryption.keyVaultProperties"
    return [Store("the account", True, True, cmk=cmk, cmk_fix=fix)]


def _azure_tde(resource: Resource, index: GraphIndex) -> list[Store]:
    state = read(resource, "state")
    encrypted: Flag = state if isinstance(state, Unknown) else lower(state) != "disabled"
    return [Store("transparent data encryption", encrypted, True, fix="state to 'Enabled'")]


def _azure_classic_sql_db(resource: Resource, index: GraphIndex) -> list[Store]:
    on = as_bool(read(resource, "transparentDataEncryptionEnabled"))
    return [
        Store(
            "the database",
            on,
            True,
            fix="transparentDataEncryptionEnabled to true",
            detail="transparent data encryption is off" if on is False else "",
        )
    ]


STORES: dict[str, Callable[[Resource, GraphIndex], list[Store]]] = {
    "aws:ebs/volume:Volume": _volume,
    "aws:ec2/instance:Instance": _aws_instance,
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": _aws_instance,
    "aws:ec2/launchConfiguration:LaunchConfiguration": _aws_instance,
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:ec2/spotFleetRequest:SpotFleetRequest": _spot_fleet,
    "aws:ebs/snapshot:Snapshot": _snapshot,
    "aws:ebs/snapshotCopy:SnapshotCopy": _snapshot_copy,
    "aws:efs/fileSystem:FileSystem": _flag_store("encrypted", "the file system"),
    "aws:rds/instance:Instance": _flag_store(
        "storageEncrypted",
        "the database",
        inherit_keys=("snapshotIdentifier", "replicateSourceDb", "restoreToPointInTime"),
    ),
    "aws:rds/cluster:Cluster": _rds_cluster,
    "aws:rds/snapshotCopy:SnapshotCopy": _always(
        "the snapshot copy", "kmsKeyId", fix="set kmsKeyId to your KMS key"
    ),
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": _always(
        "the snapshot copy", "kmsKeyId", fix="set kmsKeyId to your KMS key"
    ),
    "aws:fsx/lustreFileSystem:LustreFileSystem": _fsx,
    "aws:fsx/windowsFileSystem:WindowsFileSystem": _fsx,
    "aws:fsx/ontapFileSystem:OntapFileSystem": _fsx,
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": _fsx,
    "aws:s3/bucket:Bucket": _s3_bucket,
    "aws:s3/bucketV2:BucketV2": _s3_bucket,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _s3_sse_config,
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": _s3_sse_config,
    "gcp:storage/bucket:Bucket": _always(
        "the bucket",
        "encryption.defaultKmsKeyName",
        fix="set encryption.defaultKmsKeyName to a Cloud KMS key",
    ),
    "gcp:compute/disk:Disk": _always(
        "the disk",
        "diskEncryptionKey.kmsKeySelfLink",
        "diskEncryptionKey.rawKey",
        "diskEncryptionKey.rsaEncryptedKey",
        fix="set diskEncryptionKey.kmsKeySelfLink",
    ),
    "gcp:compute/regionDisk:RegionDisk": _always(
        "the disk", "diskEncryptionKey.kmsKeySelfLink", fix="set diskEncryptionKey.kmsKeySelfLink"
    ),
    "gcp:compute/snapshot:Snapshot": _always(
        "the snapshot",
        "snapshotEncryptionKey.kmsKeySelfLink",
        "snapshotEncryptionKey.rawKey",
        fix="set snapshotEncryptionKey.kmsKeySelfLink",
    ),
    "gcp:compute/instance:Instance": _always(
        "the boot disk",
        "bootDisk.kmsKeySelfLink",
        "bootDisk.diskEncryptionKeyRaw",
        fix="set bootDisk.kmsKeySelfLink",
    ),
    "gcp:sql/databaseInstance:DatabaseInstance": _always(
        "the instance", "encryptionKeyName", fix="set encryptionKeyName to a Cloud KMS key"
    ),
    "azure-native:compute:Disk": _azure_native_disk,
    "azure:compute/managedDisk:ManagedDisk": _always(
        "the disk", "diskEncryptionSetId", fix="set diskEncryptionSetId to your disk encryption set"
    ),
    "azure-native:compute:VirtualMachine": _always(
        "the OS disk",
        "storageProfile.osDisk.managedDisk.diskEncryptionSet.id",
        fix="set storageProfile.osDisk.managedDisk.diskEncryptionSet",
    ),
    "azure-native:compute:VirtualMachineScaleSet": _always(
        "the OS disk",
        "virtualMachineProfile.storageProfile.osDisk.managedDisk.diskEncryptionSet.id",
        fix="set the OS disk's managedDisk.diskEncryptionSet",
    ),
    "azure:compute/linuxVirtualMachine:LinuxVirtualMachine": _always(
        "the OS disk", "osDisk.diskEncryptionSetId", fix="set osDisk.diskEncryptionSetId"
    ),
    "azure:compute/windowsVirtualMachine:WindowsVirtualMachine": _always(
        "the OS disk", "osDisk.diskEncryptionSetId", fix="set osDisk.diskEncryptionSetId"
    ),
    "azure-native:storage:StorageAccount": _azure_native_account,
    "azure:storage/account:Account": _always(
        "the account",
        "customerManagedKey.keyVaultKeyId",
        "customerManagedKey.managedHsmKeyId",
        fix="add customerManagedKey with your Key Vault key",
    ),
    "azure-native:storagecache:AmlFilesystem": _always(
        "the file system",
        "encryptionSettings.keyEncryptionKey.keyUrl",
        fix="set encryptionSettings.keyEncryptionKey (keyUrl, sourceVault)",
    ),
    "azure-native:sql:TransparentDataEncryption": _azure_tde,
    "azure:mssql/database:Database": _azure_classic_sql_db,
    "azure-native:sql:Server": _always(
        "the server", "keyId", fix="set keyId to your Key Vault key (TDE protector)"
    ),
    "azure:mssql/server:Server": _always(
        "the server",
        "transparentDataEncryptionKeyVaultKeyId",
        fix="set transparentDataEncryptionKeyVaultKeyId to your Key Vault key",
    ),
}


def stores(resource: Resource, index: GraphIndex) -> list[Store]:
    """Every data store `resource` holds ([] for types that hold none)."""
    reader = STORES.get(resource.type)
    return reader(resource, index) if reader is not None else []


def gcp_template_stores(resource: Resource) -> list[Store]:
    """An instance template's disks (always encrypted; a key per disk)."""
    found = []
    for number, disk in enumerate(as_list(read(resource, "disks"))):
        found.append(
            Store(
                f"disks[{number}]",
                True,
                True,
                cmk=_key(lookup(disk, "diskEncryptionKey.kmsKeySelfLink")),
                cmk_fix=f"set disks[{number}].diskEncryptionKey.kmsKeySelfLink",
            )
        )
    return found


for _token in (
    "gcp:compute/instanceTemplate:InstanceTemplate",
    "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
):
    STORES[_token] = lambda resource, index: gcp_template_stores(resource)
