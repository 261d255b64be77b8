"""`acgsim serve`: a local HTTPS endpoint speaking Azure Resource Manager's REST API for Compute
Gallery and VMs, answered by the model (sim/) running on a simulation clock.

app (routes, the request pipeline), arm (api-versions, subscriptions, groups, acgsim's own
endpoints), galleries and compute (handlers), resources (ARM shapes in and out), world (the live
model), lro (long-running operations), clock, throttling (the front door's token buckets), tls
(the self-signed certificate), trace (the request log), server (start-up). Needs the `serve`
extra: pip install 'acgsim[serve]'.
"""
