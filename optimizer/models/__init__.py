"""Physical and price models the solver builds on: energy and power, latency, egress,
storage and time shifting. Each takes the catalog and returns plain numbers or arrays."""
