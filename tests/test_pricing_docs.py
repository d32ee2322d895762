"""docs/coverage.md and docs/usage.md carry tables generated from the code: keep them in step.
(The supported/free lists moved from docs/cost.md to docs/coverage.md.)"""

from __future__ import annotations

from pathlib import Path

from cloudwright.pricing.doc_tables import free_table, supported_table, usage_keys_table

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_supported_and_free_tables_match_the_registry() -> None:
    text = (DOCS / "coverage.md").read_text("utf-8")
    assert supported_table() in text, (
        "regenerate with: .venv/bin/python -m cloudwright.pricing.doc_tables"
    )
    assert free_table() in text, (
        "regenerate with: .venv/bin/python -m cloudwright.pricing.doc_tables"
    )


def test_usage_keys_table_matches_the_code() -> None:
    assert usage_keys_table() in (DOCS / "usage.md").read_text("utf-8")
