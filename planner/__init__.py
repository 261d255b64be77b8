"""The planner: replica counts and storage types per region, verified by simulation and priced."""
