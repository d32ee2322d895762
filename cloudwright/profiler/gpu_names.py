"""Map a GPU's driver name (what NVML / AMD SMI report) to the catalog's canonical GPU name.

NVML says "NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-40GB" or "Tesla T4"; the catalog says
H100, A100-40GB, T4. A canonical name matches a device when every one of its dash-separated
parts is a whole token of the device name (so L40 does not match an L40S, and A100-80GB
needs the 80GB token); the most specific match wins. No match returns None: the caller
then cannot scale by board power and must say so, never guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TOKEN = re.compile(r"[A-Z0-9]+")


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.upper()))


def catalog_gpu_name(device_name: str, canonical_names: Iterable[str]) -> str | None:
    """The canonical GPU name `device_name` denotes, or None when none fits."""
    device = _tokens(device_name)
    best: tuple[int, int, str] | None = None
    for name in canonical_names:
        parts = _tokens(name)
        if not parts or not parts <= device:
            continue
        # More matched parts is more specific (A100-80GB beats a hypothetical A100);
        # ties go to the longer name, then alphabetical, so the answer is stable.
        key = (len(parts), len(name), name)
        if best is None or key > best:
            best = key
    return best[2] if best else None


def common_catalog_gpu(device_names: Iterable[str], canonical_names: Iterable[str]) -> str | None:
    """The one canonical name all devices map to; None if any is unknown or they differ."""
    known = list(canonical_names)
    found = {catalog_gpu_name(d, known) for d in device_names}
    if len(found) != 1 or None in found:
        return None
    return found.pop()
