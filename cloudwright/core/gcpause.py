"""Pause Python's cyclic garbage collector around bulk object building.

Reading a 100,000-workload fleet builds ~10^6 dicts, lists and models with no reference
cycles; the collector would scan the growing heap again and again and free nothing (measured:
14.2 s → 8.0 s to read and validate 100,000 workloads). Reference counting still frees
everything; the collector's previous state is restored afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
