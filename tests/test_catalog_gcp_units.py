"""GCP unit prices from the pricing calculator replace other sources region by region, and a
figure more than 2 % away stays visible as a cross-check."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cloudwright.optimizer.catalog.build.gcp_units import calculator_unit_prices, merge_trusted

COLUMNS = ["cloud", "region", "service", "product", "unit", "usd_per_unit", "tier_start"]


def _row(region: str, product: str, usd: float, source: str, tier: float | None = None) -> dict:
    return {
        **dict(zip(COLUMNS, ["gcp", region, "pd", product, "GB-month", usd, tier], strict=True)),
        "notes": "",
        "source": source,
        "source_date": "2024-04",
    }


def test_trusted_rows_replace_and_disagreements_are_kept() -> None:
    old = pd.DataFrame(
        [
            _row("us-central1", "pd-ssd", 0.17, "goldens"),  # agrees
            _row("europe-west4", "pd-ssd", 0.15, "goldens"),  # 20 % away
            _row("asia-east1", "pd-ssd", 0.17, "goldens"),  # the calculator has no row: kept
            _row("europe-west4", "pd-ssd", 0.2, "goldens", tier=1000.0),  # tiered: untouched
        ]
    )
    trusted = pd.DataFrame(
        [
            {**_row("us-central1", "pd-ssd", 0.17, "calc"), "notes": "calculator"},
            {**_row("europe-west4", "pd-ssd", 0.187, "calc"), "notes": "calculator"},
        ]
    )
    merged, disagreements = merge_trusted(old, trusted)
    assert disagreements == 1
    plain = merged[merged["tier_start"].isna()].set_index("region")
    assert plain.loc["europe-west4", "usd_per_unit"] == pytest.approx(0.187)
    assert plain.loc["europe-west4", "source"] == "calc"
    assert "cross-check: 0.15 from goldens" in plain.loc["europe-west4", "notes"]
    assert "cross-check" not in plain.loc["us-central1", "notes"]
    assert plain.loc["asia-east1", "source"] == "goldens"
    assert len(merged) == 4


def test_calculator_tables_read(shared_data: Path) -> None:
    calc = shared_data / "prices" / "gcp_calculator"
    frame, refs = calculator_unit_prices(calc / "disks_storage.csv", calc / "network.csv")
    rows = frame.set_index(["region", "service", "product"])
    assert rows.loc[("us-central1", "pd", "pd-balanced"), "usd_per_unit"] == pytest.approx(0.1)
    assert rows.loc[("us-central1", "ip", "external-static"), "usd_per_unit"] == pytest.approx(
        0.005
    )
    assert rows.loc[("us-central1", "cloud_nat", "data-processed"), "unit"] == "GB"
    assert not frame.duplicated(["region", "service", "product", "unit"]).any()
    assert len(refs) == 2
