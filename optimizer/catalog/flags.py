"""What a catalog `price_flag` says about a price: the one reading of flag text.

A flag may hold several notes joined by "; ". A note that starts with "corrected" documents a
fix and leaves the price trusted; a note that mentions spot concerns the spot price; any
other note makes the on-demand price doubtful.
"""

from __future__ import annotations

SEPARATOR = "; "


def doubtful_price(flag: str | None) -> tuple[bool, bool]:
    """(on-demand doubtful, spot doubtful) for a flag."""
    on_demand = spot = False
    for note in _notes(flag):
        text = note.lower()
        if text.startswith("corrected"):
            continue
        if "spot" in text:
            spot = True
        else:
            on_demand = True
    return on_demand, spot


def spot_notes(flag: str | None) -> list[str]:
    """The notes of a flag that concern the spot price (doubts, not corrections)."""
    return [
        n for n in _notes(flag) if "spot" in n.lower() and not n.lower().startswith("corrected")
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
