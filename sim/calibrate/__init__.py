"""Calibration: a user's own observations of Azure (activity logs, replication status samples,
timings) -> the model assumptions they inform, fitted with intervals, and a check of the fit.

The flow is `inputs.read` (files -> Observations, with every bad row located) ->
`estimate.calibrate` (Observations + Scenario -> Calibration: fitted values, what stayed at its
default, goodness of fit) -> `write.calibrated_yaml` (the scenario with a `model:` block carrying
the fitted values and their provenance).
"""
