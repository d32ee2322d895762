"""Rendering, at the edge: every output a person reads, one module per output concern.

- cost reports (`pricing.CostReport`): `table` (terminal), `markdown`, `csv_out`, `html`
  (with inline charts from `svg`), `focus` (FOCUS CSV), `diff` (two reports);
- plans (`optimizer.plan.Plan`): `plan` (terminal, Markdown, JSON, the Pareto table) and
  `chart` (the frontier as a standalone SVG, and grouped bars);
- `catalog` (catalog stats/show), `policy` and `sarif` (a policy run), `profile`
  (measured profiles), `preview` (the offline preview's tables and key settings);
- `format`: the one formatter for money, numbers, mass, energy, power and percentages.

Renderers read logic's results and return text or Rich renderables; they compute nothing
the result does not already hold (except layout), and never print. Logic never imports
them; the CLI does.
"""
