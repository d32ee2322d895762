"""Cloudwright's policy pack: the same rules under `pulumi preview --policy-pack policies/`
and offline over a resource graph (`cloudwright check`).

Layout: `rules/` (one module per concern, each building pulumi-policy Policy objects,
reading resources through the resource facts layer, `cloudwright.resource_graph.facts`),
`adapters` (graph ↔ policy args: the graph resource behind each argument), `props` (the
engine's unknown sentinels, and `Unchecked` for values a rule cannot judge), `config`
(policy-config files), `offline` (the runner). A run's table and SARIF
renderings are in `cloudwright.reports` (`policy`, `sarif`).
`__main__.py` is the only place a `PolicyPack` is constructed: that call starts a gRPC
server and never returns, so nothing else here may do it.
"""

PACK_NAME = "cloudwright"
