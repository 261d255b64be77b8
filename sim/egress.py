"""The source region's aggregate copy capacity, shared by every copy it feeds.

Azure says only that replication time "depends on the amount of data being copied and the number
of regions" and "can take a few hours" [ACG][TS]; users report a 35-region update with 10-50
replicas a region still running after a day (azure-cli 16632), while one region takes 33-100
minutes (AgentBaker PR 742). A copy rate that does not depend on what else is copying cannot
produce both, so acgsim gives each source region (a gallery's region) a fixed number of copy slots,
`replication.source_copy_slots`: every copy of a version published from that region, the first copy
into each target region and every in-region replica copy alike, holds one slot while it runs, and
waits in first-come order for one when all are busy. The source's aggregate copy rate is then
slots x per-copy rate. Versions published from the same region share the slots (the capacity is
read as the regional replication service's, not the version's: an assumption). On top of the
shared slots each version keeps its own limits: `parallel_regions` first copies at once and
`parallel_copies` in-region copies per target region at once.

Under a fixed capacity the completion time of a version grows with its regions and replicas; that
is a law the tests check with hypothesis.
"""

from __future__ import annotations

import simpy


class SourceCapacity:
    """Copy slots per source region, created on first use."""

    def __init__(self, env: simpy.Environment, slots: int):
        self.env = env
        self.slots = slots
        self.pools: dict[str, simpy.Resource] = {}

    def of(self, region: str) -> simpy.Resource:
        """The slots of the source region `region`."""
        pool = self.pools.get(region)
        if pool is None:
            pool = self.pools[region] = simpy.Resource(self.env, self.slots)
        return pool
