"""Markdown tables for docs/coverage.md (supported and free types) and docs/usage.md (usage
keys), generated from the registry and the free list, so the
page cannot drift from the code (a test compares them).

    .venv/bin/python -m cloudwright.pricing.doc_tables
"""

from __future__ import annotations

from cloudwright.pricing.free import FREE_TYPES
from cloudwright.pricing.registry import pricers

_CLOUD_ORDER = {"aws": 0, "gcp": 1, "azure-native": 2, "azure": 3}


def _key(type_token: str) -> tuple[int, str]:
    return (_CLOUD_ORDER.get(type_token.split(":", 1)[0], 9), type_token)


def supported_table() -> str:
    lines = ["| Pulumi type token | module | what is priced |", "| --- | --- | --- |"]
    for type_token in sorted(pricers(), key=_key):
        module, pricer = pricers()[type_token]
        lines.append(f"| `{type_token}` | `{module.replace('.', '/')}.py` | {pricer.summary} |")
    return "\n".join(lines) + "\n"


def free_table() -> str:
    lines = ["| Pulumi type token | why it is free |", "| --- | --- |"]
    for type_token in sorted(FREE_TYPES, key=_key):
        lines.append(f"| `{type_token}` | {FREE_TYPES[type_token]} |")
    return "\n".join(lines) + "\n"


def usage_keys_table() -> str:
    from cloudwright.pricing.usage import USAGE_KEYS

    lines = ["| key | what it sets | allowed |", "| --- | --- | --- |"]
    for key, spec in USAGE_KEYS.items():
        upper = f"{spec.maximum:g}" if spec.maximum is not None else "∞"
        allowed = f"{spec.minimum:g} … {upper}"
        if spec.choices is not None:
            allowed = ", ".join(f"{c:g}" for c in spec.choices)
        lines.append(f"| `{key}` | {spec.doc} | {allowed} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(supported_table())
    print(free_table())
    print(usage_keys_table())
