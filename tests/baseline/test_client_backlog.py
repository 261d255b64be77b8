"""Requests a client holds back (its concurrency is full) are requests all the same.

`terraform-backlog`: Terraform creates 2,000 VMs and 12 scale sets of 1,000, 10 at a time, and the
run ends an hour later with many not yet sent. The README counts every request as running,
failed or still in flight, and the all-requests p95 counts one still in flight as never running;
a request waiting in the client's queue is one the user asked for and that has not run. Until
this was fixed, acgsim counted only the requests the client had sent: the run showed 1,039 of
2,000 VMs, none failed, and a p95 as if the wave had finished.
"""

from __future__ import annotations

from .compare import load, region, runs


def test_requests_held_by_the_client_count_as_in_flight():
    for engine in ("auto", "simpy"):
        (r,) = runs(load("terraform-backlog"), 1, engine=engine)
        vms, sets = region(r, "westeurope"), region(r, "northeurope")
        assert vms.requests == 2000 and sets.requests == 12 * 1000
        for s in (vms, sets):
            assert s.requests == s.succeeded + s.failed + s.in_flight
            assert s.in_flight >= 1000  # the backlog the client has not sent yet
            assert s.ttr_all_p95_s is None  # more than 5% never ran
        waves = {w.wave: w for w in r.waves}
        assert waves["fleet"].requests == 2000
        assert waves["pools"].requests == 12 * 1000
        assert r.overall.requests == 2000 + 12 * 1000
