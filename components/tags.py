"""Tags, labels and resource names: pure functions shared by every cloud module.

Contract (docs/contracts.md): every taggable resource carries `workload`, `owner`,
`cost-center`, `plan-id` and `managed-by: cloudwright`. GCP label keys and values are
lower-cased and limited to `[a-z0-9_-]` (keys must also start with a letter); both are at
most 63 characters. Names produced here are valid in every cloud we target: lower-case
letters, digits and hyphens, starting with a letter, never ending with a hyphen.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

MANAGED_BY = "cloudwright"
REQUIRED_KEYS: tuple[str, ...] = ("workload", "owner", "cost-center", "plan-id", "managed-by")
UNASSIGNED = "unassigned"

_LABEL_MAX = 63
_NOT_LABEL = re.compile(r"[^a-z0-9_-]")
_NOT_NAME = re.compile(r"[^a-z0-9-]+")


def base_tags(
    *,
    workload: str,
    plan_id: str,
    owner: str | None = None,
    cost_center: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The tags for one workload's resources.

    `extra` (the plan assignment's tags) may set owner and cost-center and add keys; it never
    overrides workload, plan-id or managed-by, which identify what Cloudwright deployed.
    """
    merged = dict(extra or {})
    merged["workload"] = workload
    merged["plan-id"] = plan_id or UNASSIGNED
    merged["managed-by"] = MANAGED_BY
    merged["owner"] = merged.get("owner") or owner or UNASSIGNED
    merged["cost-center"] = merged.get("cost-center") or cost_center or UNASSIGNED
    return merged


def label_value(value: str) -> str:
    """A GCP label value: lower-case `[a-z0-9_-]`, at most 63 characters (may be empty)."""
    return _NOT_LABEL.sub("_", value.lower())[:_LABEL_MAX]


def label_key(key: str) -> str:
    """A GCP label key: like a value, but non-empty and starting with a lower-case letter."""
    cleaned = _NOT_LABEL.sub("_", key.lower())
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"k{cleaned}"
    return cleaned[:_LABEL_MAX]


def gcp_labels(tags: Mapping[str, str]) -> dict[str, str]:
    """Tags → GCP labels (keys that collide after cleaning keep the first value)."""
    labels: dict[str, str] = {}
    for key, value in tags.items():
        labels.setdefault(label_key(key), label_value(value))
    return labels


def short_hash(text: str, length: int = 6) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def slug(name: str, max_len: int = 40) -> str:
    """A resource-name-safe form of `name`: `[a-z][a-z0-9-]*`, no trailing hyphen.

    When cleaning or truncation changes the name, a short hash of the original is appended so
    two different workloads never share a slug.
    """
    cleaned = _NOT_NAME.sub("-", name.lower()).strip("-")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"w-{cleaned}".rstrip("-")
    if cleaned == name and len(cleaned) <= max_len:
        return cleaned
    suffix = short_hash(name, 5)
    head = cleaned[: max(1, max_len - len(suffix) - 1)].rstrip("-")
    return f"{head}-{suffix}"


def alnum_name(name: str, max_len: int) -> str:
    """Lower-case letters and digits only, starting with a letter (Azure storage accounts)."""
    cleaned = re.sub(r"[^a-z0-9]", "", name.lower())
    suffix = short_hash(name, 4)
    head = cleaned[: max(1, max_len - len(suffix))]
    if not head or not head[0].isalpha():
        head = f"w{head}"[: max(1, max_len - len(suffix))]
    return f"{head}{suffix}"


def service_account_id(cluster: str) -> str:
    """A GCP service account id: 6–30 characters of `[a-z][-a-z0-9]*[a-z0-9]`."""
    account = slug(f"{cluster}-nodes", 30)
    return account if len(account) >= 6 else f"{account}-nodes"[:30]
