"""From a fleet spec and a catalog to a plan: candidates, cost/energy/carbon/latency models, MILP.

Pure core: `plan(fleet, catalog) -> Plan` mutates nothing and prints nothing.
"""
