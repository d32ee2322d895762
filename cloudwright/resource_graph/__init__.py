"""The resource graph: one schema (model.py) for every source a cost or policy check reads —
the offline preview of a plan under Pulumi mocks, `pulumi preview --json`, stack exports and
checkpoints — and the readers that build it (load.py)."""
