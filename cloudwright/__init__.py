"""Cloudwright: place GPU workloads across AWS, GCP and Azure by price, latency and carbon.

The one import package. Layers, lowest first (the contract in pyproject.toml, checked by
`make layers`): core (errors, atomic output, YAML) → optimizer (catalog → models → fleet →
solver → planner) → components → stacks → resource_graph → pricing → reports / policies /
profiler → cli. optimizer/, components/, stacks/ and policies/ are top-level folders of the
repository, linked in here.
"""

__version__ = "0.1.0"
