"""Physical and price models the solver builds on: energy and power, latency, storage and
time shifting (egress prices are the catalog's own: `Catalog.egress_table`). Each takes the
catalog and returns plain numbers or arrays."""
