"""AWS CPU-only instance shapes from Infracost golden-file unit prices.

SkyPilot's AWS files in the reference set hold GPU families only, so AWS CPU shapes (the ones
cost reports meet: t3.medium NAT hosts, m5.large node groups, ...) come from the
`Instance usage (Linux/UNIX, on-demand, <type>)` lines of Infracost's golden files, whatever
Terraform resource printed them (aws_instance, aws_autoscaling_group, aws_eks_node_group, ...).

Only what the source states is kept: the hourly on-demand price in that golden's region; no
spot price; no zone. vCPUs and memory, which the goldens do not carry, come from the project's
facts table `reference/aws_instance_specs.csv` (AWS instance-type documentation, one source per
row); a type missing there keeps them unknown (NaN), so its energy stays unknown too.
Dedicated-tenancy, reserved and Windows lines are not list on-demand Linux prices: skipped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cloudwright.optimizer.catalog.build.sources import (
    SourceRef,
    describe,
    read_csv,
    reference_table,
)

_EC2_TYPE = r"^Linux/UNIX, on-demand, (?P<type>[a-z][a-z0-9-]*\.[a-z0-9-]+)$"
_NOT_EC2 = ("db.", "cache.", "mq.", "ml.", "dax.", "kafka.", "search.", "ra3.", "dc2.")


def aws_cpu_offerings(goldens: Path) -> tuple[pd.DataFrame, SourceRef]:
    """One row per (region, instance type) that a golden file prices on demand."""
    raw = read_csv(goldens, dtype=str, keep_default_na=False, na_values=[""])
    ref = describe(goldens)
    rows = raw[(raw["cloud"] == "aws") & (raw["component"] == "Instance usage")].copy()
    found = rows["detail"].str.extract(_EC2_TYPE)
    rows["instance_type"] = found["type"]
    rows = rows[rows["instance_type"].notna() & ~rows["instance_type"].str.startswith(_NOT_EC2)]
    rows["price"] = pd.to_numeric(rows["unit_price_usd"], errors="coerce")
    rows = rows.sort_values(["region", "instance_type", "golden_path"])
    first = rows.drop_duplicates(["region", "instance_type"])
    specs = reference_table("aws_instance_specs").set_index("instance_type")
    vcpus = first["instance_type"].map(specs["vcpus"])
    memory = first["instance_type"].map(specs["memory_gib"])
    spec_source = first["instance_type"].map(specs["source"])
    price_source = ref.source + ": " + first["golden_path"].str.split("/").str[-1]
    frame = pd.DataFrame(
        {
            "cloud": "aws",
            "region": first["region"].astype("string"),
            "zone": pd.Series(pd.NA, index=first.index, dtype="string"),
            "instance_type": first["instance_type"].astype("string"),
            "gpu": pd.Series(pd.NA, index=first.index, dtype="string"),
            "gpu_count": 0,
            "gpu_fraction": pd.Series(pd.NA, index=first.index, dtype="Float64"),
            "gpu_memory_gb": pd.Series(pd.NA, index=first.index, dtype="Float64"),
            "vcpus": pd.to_numeric(vcpus).astype("Float64"),
            "memory_gb": pd.to_numeric(memory).astype("Float64"),
            "arch": first["instance_type"]
            .str.match(r"^[a-z]+\d+g[a-z]*\.")
            .map({True: "arm64", False: "x86_64"})
            .astype("string"),
            "price_on_demand_usd_hr": first["price"].astype("Float64"),
            "price_spot_usd_hr": pd.Series(pd.NA, index=first.index, dtype="Float64"),
            "price_flag": pd.Series(pd.NA, index=first.index, dtype="string"),
            # The price's source first (pricing reports cite it); the shape's facts after it.
            "source": price_source.where(
                spec_source.isna(), price_source + "; vCPUs/memory: " + spec_source
            ),
            "source_date": first["price_line_last_changed"].fillna(ref.source_date).str[:10],
        }
    )
    return frame.reset_index(drop=True), ref
