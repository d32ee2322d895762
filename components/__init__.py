"""Pulumi component resources for GPU clusters, their storage and their fabric, per cloud.

`components.interface` is the cloud-neutral contract (typed args, one abstract base class per
concern, per-cloud gaps as data); `components.aws`, `components.gcp` and `components.azure`
implement it as `cloudwright:<cloud>:{ClusterNetwork,ClusterStorage,GpuCluster}` and are
imported only when a plan uses that cloud (`interface.load_kit`). The maths behind them is in
plain, property-tested modules: `sizing` (subnets, file-system sizes), `fabric` (NIC layouts)
and `tags` (the tag contract and resource names). Components never open the catalog: the
stack program passes what they need.
"""
