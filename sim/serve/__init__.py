"""`acgsim serve`: a local HTTPS endpoint speaking Azure Resource Manager's REST API for Compute
Gallery, VMs and scale sets, answered by the model (sim/) running on a simulation clock.

app (routes, the request pipeline), arm (api-versions, subscriptions, groups, acgsim's own
endpoints); handlers: galleries, compute (VMs, operations), scalesets, sharing (sharing profiles,
role assignments); ARM shapes in and out: resources (galleries, definitions, errors),
version_shapes, compute_shapes; world (the live model), with publishing (image versions),
machines (VMs, scale sets) and records (what clients made); lro (long-running operations), clock,
throttling (the front door's token buckets), tls (the self-signed certificate), trace (the request
log), server (start-up). Needs the `serve` extra: pip install 'acgsim[serve]'.
"""
