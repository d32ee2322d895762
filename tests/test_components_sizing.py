"""Property tests for the pure sizing, fabric and naming functions behind the components."""

from __future__ import annotations

import ipaddress
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cloudwright.components import fabric, sizing, tags
from cloudwright.components.interface import FabricSpec, FileSystemKind
from cloudwright.core.errors import InputError

TB = st.floats(min_value=0.001, max_value=5000, allow_nan=False, allow_infinity=False)
TIERS = st.sampled_from([1, 40, 100, 125, 200, 250, 400, 500, 999, 1000])
EPS_GIB = 1e-6


# ---- CIDR maths ---------------------------------------------------------------------------------


@given(st.lists(st.integers(min_value=18, max_value=28), min_size=1, max_size=12))
def test_carved_subnets_are_disjoint_aligned_and_inside_the_block(prefixes: list[int]) -> None:
    block = ipaddress.ip_network("10.20.0.0/16")
    total = sum(2 ** (32 - p) for p in prefixes)
    assume(total <= block.num_addresses)
    subnets = [ipaddress.ip_network(c) for c in sizing.carve_subnets(str(block), prefixes)]
    assert [s.prefixlen for s in subnets] == prefixes
    for i, a in enumerate(subnets):
        assert a.subnet_of(block)  # type: ignore[arg-type]
        assert int(a.network_address) % a.num_addresses == 0
        for b in subnets[i + 1 :]:
            assert not a.overlaps(b)


def test_carving_more_than_the_block_holds_is_an_input_error() -> None:
    with pytest.raises(InputError, match="too small"):
        sizing.carve_subnets("10.0.0.0/24", [25, 25, 25])


@given(st.integers(min_value=0, max_value=60000), st.sampled_from([4, 5]))
def test_prefix_for_hosts_fits_the_hosts_and_is_the_smallest_that_does(
    hosts: int, reserved: int
) -> None:
    prefix = sizing.prefix_for_hosts(hosts, reserved, largest=32)
    assert 2 ** (32 - prefix) - reserved >= hosts
    if prefix < 31:
        assert 2 ** (32 - prefix - 1) - reserved < max(hosts, 1) or hosts + reserved <= 2


@given(
    st.lists(
        st.text(alphabet="abcdefghij-", min_size=1, max_size=12),
        min_size=1,
        max_size=40,
        unique=True,
    )
)
def test_workload_blocks_are_disjoint_and_stable(names: list[str]) -> None:
    first = sizing.allocate_blocks(names, "10.0.0.0/8")
    again = sizing.allocate_blocks(list(reversed(names)), "10.0.0.0/8")
    assert first == again
    nets = [ipaddress.ip_network(b) for b in first.values()]
    assert len(nets) == len(names)
    assert all(n.prefixlen == 16 and n.subnet_of(ipaddress.ip_network("10.0.0.0/8")) for n in nets)  # type: ignore[arg-type]
    for i, a in enumerate(nets):
        assert not any(a.overlaps(b) for b in nets[i + 1 :])


def test_adding_a_workload_keeps_the_others_blocks_when_their_slots_are_free() -> None:
    before = sizing.allocate_blocks(["llm-pretrain", "finetune"], "10.0.0.0/8")
    after = sizing.allocate_blocks(["llm-pretrain", "finetune", "chat"], "10.0.0.0/8")
    assert {k: after[k] for k in before} == before


def test_pinned_blocks_are_kept_and_avoided() -> None:
    blocks = sizing.allocate_blocks(["a", "b"], "10.0.0.0/8", pinned={"a": "10.7.0.0/16"})
    assert blocks["a"] == "10.7.0.0/16"
    assert not ipaddress.ip_network(blocks["b"]).overlaps(ipaddress.ip_network("10.7.0.0/16"))


def test_a_pool_too_small_for_the_workloads_says_so() -> None:
    with pytest.raises(InputError, match="cidrPool"):
        sizing.allocate_blocks(["a", "b", "c"], "10.0.0.0/15")


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "::/0", "1.2.3.4/0"])
def test_admin_ranges_refuse_the_whole_internet(cidr: str) -> None:
    with pytest.raises(InputError, match="whole internet"):
        sizing.validate_admin_cidrs([cidr])


def test_admin_ranges_are_normalised() -> None:
    assert sizing.validate_admin_cidrs(["10.1.2.3/16", "2001:db8::1/64"]) == (
        "10.1.0.0/16",
        "2001:db8::/64",
    )
    with pytest.raises(InputError, match="not a CIDR"):
        sizing.validate_admin_cidrs(["office"])


# ---- AWS FSx for Lustre ---------------------------------------------------------------------------


@given(TB)
def test_fsx_capacity_is_1200_or_1200_plus_2400_steps_and_holds_the_data(tb: float) -> None:
    gib = sizing.fsx_lustre_capacity_gib(tb)
    assert gib == 1200 or (gib - 1200) % 2400 == 0
    assert gib + EPS_GIB >= sizing.tb_to_gib(tb)
    if gib > 1200:  # the next smaller valid size would not hold it
        assert gib - 2400 < sizing.tb_to_gib(tb)


@given(st.integers(min_value=1, max_value=1000))
def test_fsx_throughput_is_the_smallest_tier_at_least_the_request(requested: int) -> None:
    tier = sizing.fsx_throughput_tier(requested)
    assert tier in (125, 250, 500, 1000) and tier >= requested
    assert all(t < requested for t in (125, 250, 500, 1000) if t < tier)


def test_fsx_throughput_above_the_fastest_tier_is_refused() -> None:
    with pytest.raises(InputError, match="fastest tier"):
        sizing.fsx_throughput_tier(1200)


def test_fsx_examples() -> None:
    assert sizing.fsx_lustre_capacity_gib(1.0) == 1200  # 931 GiB
    assert sizing.fsx_lustre_capacity_gib(10.0) == 10800  # 9313 GiB → 1200 + 4×2400


# ---- Azure Managed Lustre -------------------------------------------------------------------------


@given(st.floats(min_value=0.5, max_value=800, allow_nan=False), TIERS)
def test_amlfs_size_is_a_valid_sku_step_that_holds_the_data(tb: float, tier: int) -> None:
    try:
        size = sizing.amlfs_size(tb, tier)
    except InputError:
        # Only when no SKU fast enough can hold it.
        assert all(
            s.mb_s_per_tib < tier
            or max(s.min_tib, sizing.round_up(sizing.tb_to_tib(tb), s.step_tib)) > s.max_tib
            for s in sizing.AMLFS_SKUS
        )
        return
    sku = next(s for s in sizing.AMLFS_SKUS if s.name == size.tier)
    assert sku.mb_s_per_tib >= tier
    assert sku.min_tib <= size.capacity <= sku.max_tib
    assert size.capacity % sku.step_tib == 0
    assert size.capacity + 1e-9 >= sizing.tb_to_tib(tb)
    slower = [s for s in sizing.AMLFS_SKUS if tier <= s.mb_s_per_tib < sku.mb_s_per_tib]
    for s in slower:  # a slower SKU that is fast enough was skipped only because it is too small
        assert max(s.min_tib, sizing.round_up(sizing.tb_to_tib(tb), s.step_tib)) > s.max_tib


def test_amlfs_subnet_prefix_follows_microsofts_table() -> None:
    assert sizing.amlfs_subnet_prefix(8) == 27
    assert sizing.amlfs_subnet_prefix(16) == 27
    assert sizing.amlfs_subnet_prefix(24) == 26
    assert sizing.amlfs_subnet_prefix(128) == 24
    with pytest.raises(InputError):
        sizing.amlfs_subnet_prefix(500)


# ---- GCP file systems ------------------------------------------------------------------------------


@given(
    st.floats(min_value=0.5, max_value=2000, allow_nan=False),
    st.sampled_from([125, 250, 500, 1000]),
)
def test_managed_lustre_capacity_is_a_valid_step_of_a_fast_enough_tier(
    tb: float, tier: int
) -> None:
    size = sizing.managed_lustre_size(tb, tier)
    spec = next(t for t in sizing.MANAGED_LUSTRE_TIERS if str(t.mb_s_per_tib) == size.tier)
    assert spec.mb_s_per_tib >= tier
    assert spec.min_gib <= size.capacity <= spec.max_gib
    step = spec.step_gib if size.capacity <= spec.threshold_gib else spec.big_step_gib
    assert size.capacity % step == 0
    assert size.capacity + EPS_GIB >= sizing.tb_to_gib(tb)
    assert spec.mb_s_per_tib == sizing.pick_tier(tier, [125, 250, 500, 1000], "x")


@given(st.floats(min_value=0.01, max_value=100, allow_nan=False))
def test_filestore_zonal_stays_in_one_range_with_its_step(tb: float) -> None:
    try:
        size = sizing.filestore_zonal_size(tb)
    except InputError:
        assert sizing.tb_to_gib(tb) > 102400
        return
    assert size.capacity + EPS_GIB >= sizing.tb_to_gib(tb)
    assert (1024 <= size.capacity <= 9984 and size.capacity % 256 == 0) or (
        10240 <= size.capacity <= 102400 and size.capacity % 2560 == 0
    )


@given(st.floats(min_value=0.01, max_value=109, allow_nan=False))
def test_parallelstore_is_12_to_100_tib_in_4_tib_steps(tb: float) -> None:
    try:
        size = sizing.parallelstore_size(tb)
    except InputError:
        assert sizing.tb_to_gib(tb) > 100 * 1024
        return
    assert 12 * 1024 <= size.capacity <= 100 * 1024
    assert size.capacity % (4 * 1024) == 0
    assert size.capacity + EPS_GIB >= sizing.tb_to_gib(tb)


@settings(max_examples=200)
@given(
    st.floats(min_value=0.0, max_value=3000, allow_nan=False),
    st.sampled_from([125, 250, 500, 1000]),
)
def test_gcp_filesystem_choice_follows_the_documented_rule(tb: float, tier: int) -> None:
    kind = sizing.choose_gcp_filesystem(tb, tier)
    if tb <= 0:
        assert kind == FileSystemKind.NONE
        return
    lustre = sizing.managed_lustre_size(tb, tier)
    overprovisioned = lustre.capacity > sizing.LUSTRE_MAX_OVERPROVISION * max(
        sizing.tb_to_gib(tb), 1.0
    )
    if not overprovisioned:
        assert kind == FileSystemKind.MANAGED_LUSTRE
    elif sizing.tb_to_gib(tb) <= 102400:
        assert kind == FileSystemKind.FILESTORE
    else:
        assert kind == FileSystemKind.MANAGED_LUSTRE


def test_gcp_choice_examples() -> None:
    assert (
        sizing.choose_gcp_filesystem(10, 250) == FileSystemKind.FILESTORE
    )  # Lustre min 36,000 GiB
    assert sizing.choose_gcp_filesystem(30, 250) == FileSystemKind.MANAGED_LUSTRE
    assert sizing.choose_gcp_filesystem(10, 1000) == FileSystemKind.MANAGED_LUSTRE  # 18,000 GiB


def test_partition_of_region() -> None:
    assert sizing.aws_partition("us-east-1") == "aws"
    assert sizing.aws_partition("cn-north-1") == "aws-cn"
    assert sizing.aws_partition("us-gov-west-1") == "aws-us-gov"


# ---- fabric layouts -------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=64), st.booleans())
def test_efa_layout_one_per_card_primary_first(count: int, efa_only: bool) -> None:
    layout = fabric.efa_interfaces(count, efa_only=efa_only)
    assert len(layout) == count
    if count == 0:
        return
    assert layout[0] == fabric.EfaInterface(0, 0, "efa")
    cards = [nic.network_card_index for nic in layout]
    assert cards == list(range(count))
    assert all(nic.device_index == 1 for nic in layout[1:])
    secondary = {nic.interface_type for nic in layout[1:]}
    assert secondary <= {"efa-only" if efa_only else "efa"}
    assert fabric.ips_per_node(layout) == (1 if efa_only else count)


def test_p5_layout_is_one_efa_and_31_efa_only() -> None:
    spec = FabricSpec("EFA", 32, 3200)
    layout = fabric.efa_interfaces(
        fabric.efa_count(spec), efa_only=fabric.supports_efa_only("p5.48xlarge")
    )
    assert [n.interface_type for n in layout].count("efa") == 1
    assert [n.interface_type for n in layout].count("efa-only") == 31
    assert fabric.efa_count(FabricSpec("none")) == 0
    assert fabric.efa_count(FabricSpec("InfiniBand", 8)) == 0


@pytest.mark.parametrize(
    ("kind", "nics", "host", "gpu", "nic_type", "vpcs"),
    [
        ("GPUDirect-TCPX", 4, 1, 4, "GVNIC", 5),
        ("GPUDirect-TCPXO", 8, 1, 8, "GVNIC", 9),
        ("GPUDirect-RDMA", 8, 2, 8, "MRDMA", 3),
        ("none", None, 1, 0, "GVNIC", 1),
    ],
)
def test_gcp_nic_layouts(
    kind: str, nics: int | None, host: int, gpu: int, nic_type: str, vpcs: int
) -> None:
    layout = fabric.gcp_nic_layout(FabricSpec(kind, nics))
    assert (layout.host_nics, layout.gpu_nics, layout.gpu_nic_type, layout.vpcs) == (
        host,
        gpu,
        nic_type,
        vpcs,
    )


def test_gcp_layout_refuses_a_foreign_fabric() -> None:
    with pytest.raises(InputError, match="not a GCP fabric"):
        fabric.gcp_nic_layout(FabricSpec("EFA", 32))


def test_gcp_boot_disks() -> None:
    assert fabric.gcp_boot_disk_type("a3-ultragpu-8g") == "hyperdisk-balanced"
    assert fabric.gcp_boot_disk_type("a3-megagpu-8g") == "pd-balanced"


def test_azure_ib_scale_set_limit() -> None:
    fabric.check_azure_ib_scale(FabricSpec("InfiniBand", 8), 100)
    fabric.check_azure_ib_scale(FabricSpec("none"), 500)
    with pytest.raises(InputError, match="placement group"):
        fabric.check_azure_ib_scale(FabricSpec("InfiniBand", 8), 101)


# ---- names and labels -----------------------------------------------------------------------------

NAME = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$")
LABEL = re.compile(r"^[a-z0-9_-]{0,63}$")


@given(st.text(min_size=1, max_size=80))
def test_slug_is_a_valid_resource_name(name: str) -> None:
    value = tags.slug(name)
    assert NAME.match(value), value
    assert len(value) <= 40


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_different_names_get_different_slugs(a: str, b: str) -> None:
    assume(a != b)
    assert tags.slug(a) != tags.slug(b) or tags.slug(a) == a == b


@given(st.dictionaries(st.text(min_size=1, max_size=70), st.text(max_size=90), max_size=8))
def test_gcp_labels_are_valid(raw: dict[str, str]) -> None:
    for key, value in tags.gcp_labels(raw).items():
        assert LABEL.match(value)
        assert LABEL.match(key) and key[0].isalpha()


@given(st.text(min_size=1, max_size=60))
def test_service_account_ids_are_valid(cluster: str) -> None:
    account = tags.service_account_id(tags.slug(cluster))
    assert 6 <= len(account) <= 30
    assert re.match(r"^[a-z][-a-z0-9]*[a-z0-9]$", account)


@given(st.text(min_size=1, max_size=60))
def test_alnum_names_are_lowercase_letters_and_digits(name: str) -> None:
    value = tags.alnum_name(name, 14)
    assert re.match(r"^[a-z][a-z0-9]*$", value) and len(value) <= 14


def test_base_tags_carry_the_contract_and_keep_identity_keys() -> None:
    got = tags.base_tags(
        workload="w",
        plan_id="abc",
        owner="me",
        cost_center="cc",
        extra={"owner": "team", "plan-id": "forged", "workload": "other", "project": "x"},
    )
    assert got == {
        "owner": "team",
        "plan-id": "abc",
        "workload": "w",
        "project": "x",
        "managed-by": "cloudwright",
        "cost-center": "cc",
    }
    assert set(tags.REQUIRED_KEYS) <= set(tags.base_tags(workload="w", plan_id=""))
