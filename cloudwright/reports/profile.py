"""What `cloudwright profile` shows: labelled fields, history rows and tables (Rich and
Markdown) of measured profiles, and the one-line summary after a run.

Reads `profiler.record.Profile` (and `profiler.compare.Comparison`); nothing here prints.
Units are in the labels, and energy, power and mass pick a readable unit through
reports.format (a one-second test run is milliwatt-hours, a training run megawatt-hours).
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from cloudwright.reports import format as fmt

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from cloudwright.profiler.compare import Comparison
    from cloudwright.profiler.record import Profile


def command_text(profile: Profile) -> str:
    return shlex.join(profile.command)


def part_basis(profile: Profile) -> dict[str, str]:
    """'measured' / 'estimated' / 'none' per part, for labels."""
    m = profile.measurement
    return {
        "cpu": "measured" if m.cpu_measured else f"estimated: {m.cpu_method}",
        "gpu": "none" if m.gpu_method == "none" else f"measured: {m.gpu_method}",
        "ram": "estimated: codecarbon RAM model" if m.ram_method == "dimm-model" else m.ram_method,
    }


def hardware_text(profile: Profile) -> str:
    hw = profile.hardware
    gpus = hw.gpu_model or (f"{hw.gpu_count} GPU" if hw.gpu_count else "no GPU")
    return (
        f"{hw.cpu_model or 'unknown CPU'}, {hw.cpu_count} logical CPUs, "
        f"{fmt.number(hw.ram_total_gb, 1)} GiB RAM, {gpus}"
    )


def details(profile: Profile) -> list[tuple[str, str]]:
    """Labelled fields of one profile, in reading order."""
    e, basis, avg = profile.energy, part_basis(profile), profile.average_power_w()
    u, loc, m = profile.utilization, profile.location, profile.measurement
    unit = fmt.energy_unit(e.total_kwh)
    status = "ok" if profile.succeeded else "failed: not used by plans"
    intensity = (
        f", grid {loc.grid_intensity_g_per_kwh:g} g/kWh ({loc.grid_intensity_source})"
        if loc.grid_intensity_g_per_kwh is not None
        else ""
    )
    tdp = f", TDP {m.cpu_tdp_w:g} W from {m.cpu_tdp_source}" if m.cpu_tdp_w is not None else ""
    return [
        ("run", f"{profile.started_at:%Y-%m-%d %H:%M:%S} UTC, id {profile.id}"),
        ("command", command_text(profile)),
        ("exit code", f"{profile.exit_code} ({status})"),
        ("duration", f"{fmt.sig(profile.duration_s)} s"),
        ("energy total", f"{fmt.energy(e.total_kwh, unit)} (IT energy, before PUE)"),
        ("  CPU", f"{fmt.energy(e.cpu_kwh, unit)} ({basis['cpu']})"),
        ("  GPU", f"{fmt.energy(e.gpu_kwh, unit)} ({basis['gpu']})"),
        ("  RAM", f"{fmt.energy(e.ram_kwh, unit)} ({basis['ram']})"),
        (
            "average power",
            f"{fmt.power(avg['total'])} = CPU {fmt.power(avg['cpu'])} + GPU "
            f"{fmt.power(avg['gpu'])} + RAM {fmt.power(avg['ram'])}",
        ),
        ("hardware", hardware_text(profile)),
        ("method", f"{m.tracking_mode} mode, reading every {m.interval_s:g} s{tdp}"),
        (
            "utilisation",
            f"GPU {fmt.percent(u.gpu)}, CPU {fmt.percent(u.cpu)}"
            + (f" ({fmt.sig(u.cpu_seconds)} CPU-s)" if u.cpu_seconds is not None else "")
            + (f", peak RSS {fmt.sig(u.peak_rss_gb)} GiB" if u.peak_rss_gb is not None else ""),
        ),
        ("location", f"{loc.label}{intensity}"),
        (
            "emissions",
            f"{fmt.mass(profile.emissions_kg, unknown='n/a')} CO2e at the measuring location",
        ),
        (
            "versions",
            f"codecarbon {profile.codecarbon_version}, cloudwright {profile.cloudwright_version}"
            + (f", host {profile.host}" if profile.host else ""),
        ),
    ]


def run_summary(profile: Profile) -> str:
    """The line after `cloudwright profile … -- CMD` (Rich markup; the name is escaped)."""
    from rich.markup import escape

    e, basis = profile.energy, part_basis(profile)
    unit = fmt.energy_unit(e.total_kwh)
    status = "" if profile.succeeded else f" (exit {profile.exit_code}: not used by plans)"
    return (
        f"[bold]profiled[/] {escape(repr(profile.workload))}: {fmt.sig(profile.duration_s)} s, "
        f"{fmt.energy(e.total_kwh, unit)} = CPU {fmt.energy(e.cpu_kwh, unit)} ({basis['cpu']}) "
        f"+ GPU {fmt.energy(e.gpu_kwh, unit)} ({basis['gpu']}) + RAM "
        f"{fmt.energy(e.ram_kwh, unit)} ({basis['ram']}); average "
        f"{fmt.power(profile.average_power_w()['total'])}{status}"
    )


def history_row(profile: Profile) -> dict[str, Any]:
    return {
        "started (UTC)": f"{profile.started_at:%Y-%m-%d %H:%M}",
        "id": profile.id,
        "duration s": fmt.sig(profile.duration_s),
        "energy": fmt.energy(profile.energy.total_kwh),
        "avg power": fmt.power(profile.average_power_w()["total"]),
        "exit": profile.exit_code,
    }


def _cpu_short(profile: Profile) -> str:
    m = profile.measurement
    return m.cpu_method if m.cpu_measured else f"{m.cpu_method} (est.)"


def list_rows(profiles: list[Profile], *, all_runs: bool) -> list[dict[str, Any]]:
    """One row per workload (its newest run and run count), or one per run."""
    if all_runs:
        return [{"workload": p.workload, **history_row(p), "cpu": _cpu_short(p)} for p in profiles]
    by_workload: dict[str, list[Profile]] = {}
    for p in profiles:
        by_workload.setdefault(p.workload, []).append(p)
    rows = []
    for name in sorted(by_workload):
        runs = by_workload[name]
        ok = [p for p in runs if p.succeeded]
        latest = ok[-1] if ok else runs[-1]
        rows.append(
            {
                "workload": name,
                "runs": len(runs),
                "latest": f"{latest.started_at:%Y-%m-%d}",
                "duration s": fmt.sig(latest.duration_s),
                "energy": fmt.energy(latest.energy.total_kwh),
                "avg power": fmt.power(latest.average_power_w()["total"]),
                "gpu": latest.hardware.gpu_model or "none",
                "cpu": _cpu_short(latest),
                "exit": latest.exit_code,
            }
        )
    return rows


def comparison_title(comparison: Comparison) -> str:
    return (
        f"One node of {comparison.cloud}:{comparison.instance_type} at GPU "
        f"utilisation {comparison.gpu_utilization:g} (IT power, before PUE)"
    )


def details_markdown(title: str, fields: list[tuple[str, str]], notes: list[str]) -> str:
    lines = [f"## {title}", "", "| field | value |", "| --- | --- |"]
    lines += [f"| {k.strip()} | {v} |" for k, v in fields]
    lines += ["", "Notes:", *[f"- {n}" for n in notes], ""]
    return "\n".join(lines)


def details_renderables(
    title: str, fields: list[tuple[str, str]], notes: list[str]
) -> list[RenderableType]:
    """A two-column table of the fields, then the notes; commands and notes stay literal
    text (a command may hold "[...]", which is never read as markup)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title), show_header=False, title_justify="left", box=None)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in fields:
        table.add_row(key, Text(value))
    return [table, Text("notes", style="bold"), *(Text(f"  • {note}") for note in notes)]


def rows_markdown(rows: list[dict[str, Any]], title: str) -> str:
    columns = list(rows[0])
    lines = [f"### {title}", "", "| " + " | ".join(columns) + " |"]
    lines.append("| " + " | ".join("---" for _ in columns) + " |")
    lines += ["| " + " | ".join(str(r[c]) for c in columns) + " |" for r in rows]
    return "\n".join([*lines, ""])


def rows_table(rows: list[dict[str, Any]], title: str) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    columns = list(rows[0])
    table = Table(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in columns:
        table.add_column(column, no_wrap=True)
    for row in rows:
        table.add_row(*(Text(str(row[c])) for c in columns))
    return table
