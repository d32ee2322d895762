"""reports.format: the one formatter every renderer uses (money, numbers, mass, energy, %)."""

from __future__ import annotations

import pytest

from cloudwright.reports import format as fmt


@pytest.mark.parametrize(
    ("value", "kwargs", "text"),
    [
        (1234.4, {}, "$1,234"),
        (12.345, {}, "$12.35"),
        (12.345, {"whole": True}, "$12"),
        (5.0, {"signed": True}, "+$5.00"),
        (-250.0, {"signed": True}, "-$250"),
        (0.004, {"signed": True}, "$0.00"),
        (-0.004, {"signed": True}, "$0.00"),
        (None, {}, "unknown"),
    ],
)
def test_usd(value: float | None, kwargs: dict[str, bool], text: str) -> None:
    assert fmt.usd(value, **kwargs) == text


def test_numbers_share_one_sign_rule() -> None:
    assert fmt.number(1234.5) == "1,234"  # round half to even, as Python formats
    assert fmt.number(148.2, signed=True) == "+148"
    assert fmt.number(-0.29, 2, signed=True) == "-0.29"
    assert fmt.number(0.2, signed=True) == "0"  # rounds to zero: no sign
    assert fmt.number(-0.001, 2, signed=True) == "0.00"
    assert fmt.number(None) == "—"
    assert fmt.kwh(12.6, signed=True) == "+13" and fmt.kg(-0.25) == "-0.25"


def test_significant_digits_never_use_an_exponent_for_large_figures() -> None:
    assert [fmt.sig(v) for v in (0.1234, 45.67, 999.4, 999.7, 3600.0, 1.08e6)] == [
        "0.123",
        "45.7",
        "999",
        "1,000",
        "3,600",
        "1,080,000",
    ]


def test_mass_steps_through_units() -> None:
    values = (1234.5, 123.45, 4.56, 0.5, 0.0123, 1.234e-6, 0.0, None)
    assert [fmt.mass(v) for v in values] == [
        "1.23 t",
        "123.5 kg",
        "4.6 kg",
        "500 g",
        "12 g",
        "1.2 mg",
        "0 kg",
        "—",
    ]
    assert fmt.mass(None, unknown="n/a") == "n/a"


def test_energy_power_and_percent() -> None:
    assert fmt.energy(1695.0) == "1.7 MWh"
    assert fmt.energy(312e-3) == "312 Wh"
    assert fmt.energy(8.75e-7) == "875 µWh"
    unit = fmt.energy_unit(0.05)
    assert (fmt.energy(0.05, unit), fmt.energy(0.0, unit)) == ("50 Wh", "0 Wh")
    assert (fmt.power(5650.0), fmt.power(3.5), fmt.power(0.0)) == ("5,650 W", "3.5 W", "0 W")
    assert (fmt.percent(0.83), fmt.percent(0.00041, 3), fmt.percent(None)) == (
        "83%",
        "0.041%",
        "n/a",
    )
