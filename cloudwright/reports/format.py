"""Number formatting shared by every renderer: money, energy, carbon, quantities.

Unknown values render as "unknown" (or an em dash in dense tables), never as 0.
"""

from __future__ import annotations

UNKNOWN = "unknown"


def usd(value: float | None, *, signed: bool = False, unknown: str = UNKNOWN) -> str:
    if value is None:
        return unknown
    sign = "+" if signed and value > 0.005 else ("-" if value < -0.005 else "")
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{sign}${magnitude:,.0f}"
    return f"{sign}${magnitude:,.2f}"


def unit_price(value: float | None, unit: str) -> str:
    """'$55.04/hour', '$0.08/GB', '$0.0045/GB' (at least two decimals, up to 4 significant)."""
    if value is None:
        return UNKNOWN
    per = _singular(unit)
    if value >= 1:
        return f"${value:,.2f}/{per}"
    text = f"{value:.4g}" if value < 0.01 else f"{value:.4f}".rstrip("0")
    if "." in text and len(text.split(".")[1]) < 2:
        text = f"{value:.2f}"
    return f"${text}/{per}"


_PLURAL_UNITS = {"hours": "hour", "VM-hours": "VM-hour", "months": "month"}


def _singular(unit: str) -> str:
    return _PLURAL_UNITS.get(unit, unit)


def quantity(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if value == 1:
        return f"1 {_singular(unit)}"
    if value == int(value):
        return f"{int(value):,} {unit}"
    return f"{value:,.2f} {unit}"


def kwh(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "—"
    sign = "+" if signed and value > 0.005 else ""
    return f"{sign}{value:,.0f}" if abs(value) >= 10 else f"{sign}{value:,.2f}"


def kg(value: float | None, *, signed: bool = False) -> str:
    return kwh(value, signed=signed)


def tonnes(kg_value: float | None) -> str:
    if kg_value is None:
        return "—"
    if abs(kg_value) >= 1000:
        return f"{kg_value / 1000:,.2f} t"
    return f"{kg_value:,.1f} kg" if abs(kg_value) >= 10 else f"{kg_value:.2g} kg"


def short_type(type_token: str) -> str:
    """'aws:ec2/instance:Instance' → 'ec2/instance'; 'azure-native:compute:Disk' → 'compute:Disk'."""
    parts = type_token.split(":")
    if len(parts) == 3 and "/" in parts[1]:
        return parts[1]
    return ":".join(parts[1:]) if len(parts) > 1 else type_token
