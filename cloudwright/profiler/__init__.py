"""Measured energy: run a workload's command under codecarbon, keep the profile, scale it.

- `runner.run_profiled` runs a command as a child under codecarbon's offline tracker and
  builds a `record.Profile` (energy by part, hardware, how each part was obtained);
- `store.ProfileStore` keeps profiles in `<project>/.cloudwright/profiles.jsonl` and
  implements `optimizer.models.energy.ProfileSource` for the planner and the cost engine;
- `scaling` turns a profile into the per-node IT power of another instance type, and
  `compare` sets that beside the energy model's figure.

Nothing here prints or formats: `reports.profile` renders profiles for the CLI
(`cloudwright profile`, `cloudwright carbon`).
"""

from cloudwright.profiler.record import Profile
from cloudwright.profiler.store import ProfileStore

__all__ = ["Profile", "ProfileStore"]
