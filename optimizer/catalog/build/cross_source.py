"""Two sources for one price: keep both figures when they disagree, and say so.

The rule (docs/catalog.md, "Which source wins"): the row's price comes from the source the
reference README trusts for that cloud; a second source's figure that differs by more than
`schema.ALT_PRICE_TOLERANCE` is kept in `price_alt_usd_hr` / `price_alt_source` and noted in
`price_flag` as a 'cross-check:' note (informational: `flags.doubtful_price` does not count
it, since the trusted figure was chosen on evidence).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cloudwright.optimizer.catalog import schema

CROSS_CHECK = "cross-check:"


def with_alt_price(frame: pd.DataFrame, alt: np.ndarray, alt_source: np.ndarray) -> pd.DataFrame:
    """Set price_alt_usd_hr / price_alt_source where a second source's on-demand price
    differs from the row's by more than ALT_PRICE_TOLERANCE, and note it in price_flag
    (a 'cross-check:' note: informational, the chosen price stays trusted)."""
    out = frame.copy()
    price = out["price_on_demand_usd_hr"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    other = pd.to_numeric(pd.Series(alt), errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = other / price
    differs = np.isfinite(ratio) & (np.abs(ratio - 1.0) > schema.ALT_PRICE_TOLERANCE)
    out["price_alt_usd_hr"] = pd.Series(np.where(differs, other, np.nan), index=out.index).astype(
        "Float64"
    )
    sources = [str(a) if d else None for a, d in zip(alt_source, differs, strict=True)]
    out["price_alt_source"] = pd.Series(sources, index=out.index, dtype="string")
    notes = pd.Series(
        [
            f"{CROSS_CHECK} second source {o:.4f} $/h ({r:.2f}×), the trusted source kept"
            if d
            else None
            for o, r, d in zip(other, ratio, differs, strict=True)
        ],
        index=out.index,
        dtype="string",
    )
    out["price_flag"] = add_note(
        out.get("price_flag"), pd.Series(differs, index=out.index), notes, out.index
    )
    return out


def add_note(
    flags: pd.Series | None, mask: pd.Series, note: pd.Series | str, index: pd.Index
) -> pd.Series:
    base = (
        flags.astype("string")
        if flags is not None
        else pd.Series(pd.NA, index=index, dtype="string")
    )
    text = note if isinstance(note, pd.Series) else pd.Series(note, index=index, dtype="string")
    joined = (base.fillna("") + "; " + text.fillna("")).str.strip("; ")
    out = base.where(~mask.to_numpy(dtype=bool), joined)
    return out.mask(out == "").astype("string")
