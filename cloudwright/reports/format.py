"""How every figure reads: money, plain numbers, mass, energy, power and percentages.

The one formatter module for every renderer (cost reports, plans and the Pareto frontier,
the catalog, profiles, policy messages), so the same value prints the same way everywhere:

- money: `usd` ('$1,234', '$12.34', '+$5.00'; `whole=True`: '$12'), `unit_price`
  ('$0.0045/GB')
- numbers: `number` (fixed decimals with separators: '1,234', '+12.50'), `sig` (significant
  digits: '0.123', '45.6'; whole from 10**digits up: '12,345'), `quantity` ('3 VM-hours')
- mass (CO2e): `mass` with a readable unit ('1.23 t', '12.3 kg', '4.5 g'); `kg` for a
  column already labelled kgCO2e
- energy: `energy` with a readable unit ('1.7 MWh', '312 Wh', '875 µWh'); `kwh` for a column
  already labelled kWh; power: `power` ('5,650 W')
- percentages: `percent` ('83%', '0.125%')

Signs: `signed=True` puts '+' before a positive figure; a figure that rounds to zero gets no
sign on either side of zero. Unknown values (None) render as "unknown" (or an em dash in
dense tables), never as 0.
"""

from __future__ import annotations

UNKNOWN = "unknown"
DASH = "—"


def _fixed(value: float, digits: int, signed: bool) -> str:
    """`value` with `digits` decimals and thousands separators; the sign rule above."""
    text = f"{abs(value):,.{digits}f}"
    if not text.strip("0.,"):  # rounds to zero: no sign either way
        return text
    if value < 0:
        return f"-{text}"
    return f"+{text}" if signed else text


def number(
    value: float | None, digits: int = 0, *, signed: bool = False, unknown: str = DASH
) -> str:
    """Fixed decimals with separators: '1,234', '0.25', '+1,200' (a table column's figure)."""
    if value is None:
        return unknown
    return _fixed(value, digits, signed)


def sig(value: float, digits: int = 3) -> str:
    """`digits` significant digits ('0.123', '45.6'); figures that would need an exponent
    to stay that short print whole with separators instead ('12,345', '1,000')."""
    if abs(value) >= 10**digits - 0.5:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def usd(
    value: float | None, *, signed: bool = False, unknown: str = UNKNOWN, whole: bool = False
) -> str:
    """'$1,234' from $100 up, '$12.34' below; `whole`: always whole dollars ('$12')."""
    if value is None:
        return unknown
    text = _fixed(value, 0 if whole or abs(value) >= 100 else 2, signed)
    sign = text[0] if text[0] in "+-" else ""
    return f"{sign}${text[len(sign) :]}"


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
        return DASH
    if value == 1:
        return f"1 {_singular(unit)}"
    if value == int(value):
        return f"{int(value):,} {unit}"
    return f"{value:,.2f} {unit}"


def kwh(value: float | None, *, signed: bool = False) -> str:
    """A kWh column's figure: whole from 10 up ('1,234'), two decimals below ('0.42')."""
    if value is None:
        return DASH
    return _fixed(value, 0 if abs(value) >= 10 else 2, signed)


def kg(value: float | None, *, signed: bool = False) -> str:
    """A kgCO2e column's figure (as `kwh`)."""
    return kwh(value, signed=signed)


def mass(kg_value: float | None, *, unknown: str = DASH) -> str:
    """CO2e in a readable unit: '1.23 t' from a tonne, '12.3 kg', '4.5 kg', '120 g', '1.2 mg'."""
    if kg_value is None:
        return unknown
    size = abs(kg_value)
    if size >= 1000:
        return f"{kg_value / 1000:,.2f} t"
    if size >= 10:
        return f"{kg_value:,.1f} kg"
    if size >= 1 or size == 0:
        return f"{kg_value:.2g} kg"
    if size >= 1e-3:
        return f"{sig(kg_value * 1e3, 2)} g"
    return f"{sig(kg_value * 1e6, 2)} mg"


_ENERGY_UNITS = ((1000.0, "MWh"), (1.0, "kWh"), (1e-3, "Wh"), (1e-6, "mWh"), (1e-9, "µWh"))


def energy_unit(kwh_value: float) -> tuple[float, str]:
    """The unit (its size in kWh, its name) that shows `kwh_value` with 1 to 3 integer
    digits (MWh and up stay in MWh)."""
    for factor, unit in _ENERGY_UNITS:
        if abs(kwh_value) >= factor:
            return factor, unit
    return _ENERGY_UNITS[-1]


def energy(kwh_value: float | None, unit: tuple[float, str] | None = None) -> str:
    """kWh in a readable unit ('1.71 mWh', '312 Wh', '1.7 MWh'); pass `unit` (from
    `energy_unit`) to show several figures in the same one."""
    if kwh_value is None:
        return DASH
    factor, name = unit or energy_unit(kwh_value)
    return f"{sig(kwh_value / factor)} {name}"


def power(watts: float | None) -> str:
    """'5,650 W', '3.5 W', '0 W'."""
    if watts is None:
        return DASH
    return "0 W" if watts == 0 else f"{sig(watts)} W"


def percent(fraction: float | None, digits: int = 0, *, unknown: str = "n/a") -> str:
    """A fraction as a percentage: 0.83 → '83%', 0.00125 with 3 digits → '0.125%'."""
    if fraction is None:
        return unknown
    return f"{fraction:.{digits}%}"


def short_type(type_token: str) -> str:
    """'aws:ec2/instance:Instance' → 'ec2/instance'; 'azure-native:compute:Disk' → 'compute:Disk'."""
    parts = type_token.split(":")
    if len(parts) == 3 and "/" in parts[1]:
        return parts[1]
    return ":".join(parts[1:]) if len(parts) > 1 else type_token
