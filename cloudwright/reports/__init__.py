"""Rendering cost reports: terminal table, JSON, CSV, Markdown, HTML with charts, FOCUS CSV,
and diffs between two reports. Renderers read a `pricing.CostReport` and return text; they
compute nothing the report does not already hold (except layout), and never print."""
