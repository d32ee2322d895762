"""GPU fabric per instance type, from an `interconnect.csv` (cloud, instance_type, fabric,
nics, gbps_per_nic, total_gbps, ..., source, source_date).

The source spells fabrics freely ("EFA v2 (GPUDirect RDMA)", "InfiniBand NDR (...)",
"Ethernet (gVNIC); 'N/A'", "1 gVNIC + 8 GPU data NICs"); `normalise_fabric` maps them onto
`schema.FABRICS`, and `fabric_nics` keeps only the fabric NICs (EFA interfaces, GPU data NICs,
IB ports), not the host's ordinary NICs. Rows naming a family ("NC A100 v4 (Standard_NC24ads..
NC96ads_A100_v4)") apply to every instance type of that family.

Instance types that the file does not list get fabric `none` with unknown NIC count and
bandwidth: the file covers every type the team found a GPU fabric for, and the rest are
sold with ordinary Ethernet (ENA, gVNIC, AccelNet).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from cloudwright.core.errors import DataError
from cloudwright.optimizer.catalog import schema
from cloudwright.optimizer.catalog.build.sources import SourceRef, describe, read_csv

_RULES: tuple[tuple[str, str], ...] = (
    # (regex on the lower-cased fabric text, canonical fabric); first match wins. Plain
    # Ethernet comes first: "ENA (EFA support not confirmed)" and "Ethernet only (no
    # InfiniBand ...)" name a fabric only to say it is absent.
    (r"^(ena|ethernet)\b", "none"),
    (r"\befa\b", "EFA"),
    (r"infiniband", "InfiniBand"),
    (r"tcpxo", "GPUDirect-TCPXO"),
    (r"tcpx", "GPUDirect-TCPX"),
    (r"gpudirect[ -]rdma|roce|mrdma", "GPUDirect-RDMA"),
    (r"gvnic", "none"),
)


def normalise_fabric(text: str) -> str:
    """Map a free-text fabric description onto schema.FABRICS."""
    lowered = text.lower()
    for pattern, fabric in _RULES:
        if re.search(pattern, lowered):
            return fabric
    raise DataError(f"interconnect.csv: cannot classify fabric {text!r}")


def fabric_nics(fabric: str, nics_text: str) -> int | None:
    """The number of fabric NICs: 'GPU data NICs' or ConnectX NICs when the text lists host
    NICs too, else the plain count. None when the source does not state it."""
    if fabric == "none":
        return None
    text = str(nics_text)
    for pattern in (r"(\d+)\s*GPU data NICs", r"(\d+)\s*CX-?7"):
        match = re.search(pattern, text)
        if match:
            return int(match.group(1))
    match = re.fullmatch(r"\s*(\d+)\s*", text)
    return int(match.group(1)) if match else None


def _total_gbps(text: object) -> float:
    match = re.match(r"\s*(\d+(?:\.\d+)?)", str(text))
    return float(match.group(1)) if match else np.nan


def _family_pattern(instance_type: str) -> str | None:
    """'NC A100 v4 (Standard_NC24ads..NC96ads_A100_v4)' → a regex for the family."""
    match = re.search(r"\((Standard_[A-Z]+)\d+([a-z]+)\.\.[A-Z]+\d+[a-z]+(_\w+)\)", instance_type)
    if not match:
        return None
    prefix, letters, suffix = match.groups()
    return rf"^{prefix}\d+{letters}{suffix}$"


def read_fabrics(path: Path) -> tuple[pd.DataFrame, SourceRef]:
    """interconnect.csv → cloud, instance_type (or family regex), interconnect, nics, gbps."""
    raw = read_csv(path, dtype=str, keep_default_na=False)
    ref = describe(path)
    rows = []
    for rec in raw.to_dict("records"):
        fabric = normalise_fabric(rec["fabric"])
        family = _family_pattern(rec["instance_type"])
        rows.append(
            {
                "cloud": rec["cloud"],
                "instance_type": rec["instance_type"] if family is None else None,
                "family_regex": family,
                "interconnect": fabric,
                "interconnect_nics": fabric_nics(fabric, rec["nics"]),
                "interconnect_gbps": np.nan if fabric == "none" else _total_gbps(rec["total_gbps"]),
                "fabric_source": rec.get("source") or ref.source,
            }
        )
    frame = pd.DataFrame(rows)
    bad = set(frame["interconnect"]) - set(schema.FABRICS)
    if bad:
        raise DataError(f"non-canonical fabrics: {bad}")
    return frame, ref


def apply_fabrics(offerings: pd.DataFrame, fabrics: pd.DataFrame) -> pd.DataFrame:
    """Add interconnect, interconnect_nics, interconnect_gbps to every offering row."""
    exact = fabrics.dropna(subset=["instance_type"])
    keyed = exact.set_index(["cloud", "instance_type"])
    per_type = offerings[["cloud", "instance_type"]].drop_duplicates()
    looked = per_type.join(keyed, on=["cloud", "instance_type"])
    for rec in fabrics[fabrics["family_regex"].notna()].to_dict("records"):
        in_family = (looked["cloud"] == rec["cloud"]) & looked["instance_type"].str.match(
            rec["family_regex"], na=False
        )
        unset = looked["interconnect"].isna()
        for column in ("interconnect", "interconnect_nics", "interconnect_gbps"):
            looked.loc[in_family & unset, column] = rec[column]
    looked["interconnect"] = looked["interconnect"].fillna("none")
    looked = looked[
        ["cloud", "instance_type", "interconnect", "interconnect_nics", "interconnect_gbps"]
    ]
    out = offerings.merge(looked, on=["cloud", "instance_type"], how="left")
    out["interconnect_nics"] = pd.to_numeric(out["interconnect_nics"]).astype("Int64")
    out["interconnect_gbps"] = pd.to_numeric(out["interconnect_gbps"]).astype("Float64")
    return out
