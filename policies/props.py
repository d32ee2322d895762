"""The engine's side of property reading: unknown sentinels, and how a rule says "unchecked".

Rules read resources through the resource facts layer (`resource_graph.facts`), on graph
`Resource`s (`adapters.resource_of`); a value Pulumi cannot know (its unknown sentinels in
the engine's properties, `Unknown` in the graph) reaches them as `Unknown`. What a rule does
with an unknown deciding value is `Unchecked`: the engine's own `UnknownValueError` (so
`pulumi preview` shows its "can't run policy during preview" note, and the offline runner
lists the value as unchecked), carrying what the value is, why it is unknown (computed or
secret) and what the worst case would be. The offline runner makes a mandatory rule fail
on it unless the policy's `unknownValues` setting is `unchecked`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from typing import Any, Final

from pulumi_policy import proxy
from pulumi_policy.proxy import UNKNOWN_OBJECT_VALUE, UnknownValueError

from cloudwright.resource_graph.model import Unknown

# The engine's unknown sentinels, one per value kind (UNKNOWN_STRING_VALUE, …).
_SENTINELS: Final = frozenset(
    value
    for name, value in vars(proxy).items()
    if name.startswith("UNKNOWN_") and name.endswith("_VALUE") and isinstance(value, str)
)


def is_unknown(value: Any) -> bool:
    """True for the engine's unknown sentinels and graph `Unknown`s."""
    if isinstance(value, Unknown):
        return True
    return isinstance(value, str) and value in _SENTINELS


class Unchecked(UnknownValueError):
    """Deciding values that are not known: listed as unchecked, failed as the worst case by
    a mandatory rule (offline) unless configured otherwise."""

    def __init__(self, items: Sequence[tuple[str, Any, str]], *, note_only: bool = False) -> None:
        """`items`: (what, the Unknown, the worst case) per value. `note_only`: the rule
        was told to pass with a note (it is never failed as a worst case)."""
        super().__init__(UNKNOWN_OBJECT_VALUE, [items[0][0]] if items else [])
        self.items = list(items)
        self.note_only = note_only
        self.message = "; ".join(f"{what} is {_why(value)}" for what, value, _ in self.items)
        self.worst_case = "; ".join(dict.fromkeys(worst for _, _, worst in self.items if worst))


def _why(value: Any) -> str:
    if isinstance(value, Unknown) and value.reason == "secret":
        return "a secret"
    return "computed at apply time"


def raise_unknown(path: Sequence[str | int], value: Any = None, worst_case: str = "") -> None:
    """Stop the rule the way the engine does when a deciding value is unknown at preview."""
    raise Unchecked([(".".join(str(p) for p in path), value, worst_case)])


def glob_match(value: str, patterns: Iterable[str]) -> str | None:
    """The first shell-style pattern that matches `value` (case-insensitive), else None."""
    lowered = value.lower()
    for pattern in patterns:
        if fnmatch.fnmatchcase(lowered, pattern.lower()):
            return pattern
    return None
