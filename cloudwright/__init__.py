"""Cloudwright: place GPU workloads across AWS, GCP and Azure by price, latency and carbon.

This package holds what every other package shares (errors, atomic file output,
user settings) and the thin CLI. Logic lives in optimizer/, components/, stacks/,
resource_graph/, pricing/, reports/, policies/ and profiler/.
"""

__version__ = "0.1.0"
