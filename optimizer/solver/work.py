"""Plans of work-sized workloads (`gpu.h100_equivalents`): the nodes an offer needs, and
what the plan says about the work (chips, ratio and its source, $ and kgCO2e per
H100-equivalent-hour). The sizing rule is in optimizer/models/throughput.py."""

from __future__ import annotations

from cloudwright.optimizer.models.throughput import chips_for
from cloudwright.optimizer.plan import WorkFacts
from cloudwright.optimizer.solver.candidates import CandidateSet


def nodes_of(c: CandidateSet, i: int, o: int) -> int:
    """Nodes workload i needs on offer o (its own node count unless sized by work)."""
    if c.sizing is None or not c.sizing.sized(i):
        return c.fleet.workloads[i].node_count
    return c.sizing.nodes_one(i, str(c.table.gpu[o]), int(c.table.gpu_count[o]))


def work_facts(
    c: CandidateSet, i: int, o: int, hourly_usd: float, carbon_kg: float, hours: float
) -> WorkFacts | None:
    if c.sizing is None or not c.sizing.sized(i):
        return None
    n = c.sizing.h100_equivalents[i]
    ratio = c.sizing.ratios[i][str(c.table.gpu[o])]
    nodes = nodes_of(c, i, o)
    if ratio.user_given or ratio.benchmark is None:
        source = ratio.source
    else:
        source = f"MLPerf {ratio.benchmark} {ratio.round}: {ratio.source}"
    unit_hours = n * hours
    return WorkFacts(
        h100_equivalents=n,
        family=ratio.family,
        chips=nodes * int(c.table.gpu_count[o]),
        chips_needed=chips_for(n, ratio.value),
        ratio=ratio.value,
        ratio_source=source,
        ratio_method=ratio.method,
        usd_per_h100_equivalent_hour=hourly_usd / n,
        kg_co2e_per_h100_equivalent_hour=carbon_kg / unit_hours if unit_hours > 0 else None,
    )


def ratios_sentence(c: CandidateSet, i: int) -> str:
    """Every ratio the workload's offers were sized with, and where each comes from."""
    if c.sizing is None or not c.sizing.sized(i):
        return ""
    used = [r.label() for r in c.sizing.ratios[i].values()]
    names = list(c.sizing.ratios[i])
    pairs = ", ".join(f"{f} {label}" for f, label in zip(names, used, strict=True))
    return f"Throughput ratios (work per chip vs H100): {pairs}."


def work_sentence(facts: WorkFacts | None, unrated: tuple[str, ...], ratios: str = "") -> str:
    """The explanation's sentence on the work: what the chips are worth and where from."""
    left_out = f" Left out: {'; '.join(unrated)}." if unrated else ""
    if facts is None:
        return left_out.strip()
    kg = facts.kg_co2e_per_h100_equivalent_hour
    carbon = f", {kg:.3g} kgCO2e" if kg is not None else ""
    return (
        f"Sized by work: {facts.h100_equivalents:g} H100-equivalents = {facts.chips_needed} "
        f"{facts.family} chips at ratio {facts.ratio:g} ({facts.ratio_source}), "
        f"{facts.chips} in whole nodes; ${facts.usd_per_h100_equivalent_hour:.2f}{carbon} per "
        f"H100-equivalent-hour. {ratios}{left_out}"
    ).strip()
