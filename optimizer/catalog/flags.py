"""What a catalog `price_flag` says about a price: the one reading of flag text.

A flag may hold several notes joined by "; ". A note that starts with "corrected" documents a
fix and leaves the price trusted, and so does a "cross-check:" note (a second source's
figure, kept in `price_alt_usd_hr`, that the trusted source overrules); a note that mentions
spot concerns the spot price; any other note makes the on-demand price doubtful.
"""

from __future__ import annotations

import pandas as pd

SEPARATOR = "; "
# Notes that explain a price without putting it in doubt.
INFORMATIONAL = ("corrected", "cross-check")


def doubtful_price(flag: str | None) -> tuple[bool, bool]:
    """(on-demand doubtful, spot doubtful) for a flag."""
    on_demand = spot = False
    for note in _notes(flag):
        text = note.lower()
        if text.startswith(INFORMATIONAL):
            continue
        if "spot" in text:
            spot = True
        else:
            on_demand = True
    return on_demand, spot


def spot_notes(flag: str | None) -> list[str]:
    """The notes of a flag that concern the spot price (doubts, not corrections)."""
    return [
        n for n in _notes(flag) if "spot" in n.lower() and not n.lower().startswith(INFORMATIONAL)
    ]


def on_demand_notes(flag: str | None) -> list[str]:
    """The notes of a flag that do not concern the spot price."""
    return [n for n in _notes(flag) if n not in spot_notes(flag)]


def join(notes: list[str]) -> str | None:
    unique = list(dict.fromkeys(n for n in notes if n))
    return SEPARATOR.join(unique) if unique else None


def _notes(flag: str | None) -> list[str]:
    if flag is None or not isinstance(flag, str) or not flag.strip():
        return []
    return [n.strip() for n in flag.split(SEPARATOR) if n.strip()]


def region_spot_and_flags(
    zones: pd.DataFrame, keys: list[str]
) -> tuple[pd.DataFrame, list[str | None]]:
    """Per (cloud, region, type), from zone rows: the zone row whose spot price the region
    uses (indexed by `keys`), and the region's flag, in group order.

    A flag belongs to the zone whose price it concerns: the region's spot price is the
    cheapest zone whose spot price is not in doubt (a doubtful one only when every zone's
    is), and only that zone's spot notes travel with it; on-demand notes of every zone do."""
    spot = zones.dropna(subset=["price_spot_usd_hr"])
    spot = spot.assign(spot_doubt=[bool(spot_notes(x)) for x in spot["price_flag"]])
    spot = spot.sort_values([*keys, "spot_doubt", "price_spot_usd_hr", "zone"])
    best_spot = spot.drop_duplicates(keys).set_index(keys)
    od = pd.Series([on_demand_notes(x) for x in zones["price_flag"]], index=zones.index)
    by_region = zones[keys].assign(notes=od).groupby(keys, sort=True, dropna=False)["notes"]
    notes = by_region.sum().to_frame("od")
    notes = notes.join(best_spot["price_flag"].map(spot_notes).rename("spot"), how="left")
    return best_spot, [
        join([*od_notes, *(sp if isinstance(sp, list) else [])])
        for od_notes, sp in zip(notes["od"], notes["spot"], strict=True)
    ]
