"""`acgsim serve SCENARIO --play`: the scenario's own waves run on the server's clock, on the same
replicas as the clients' VMs, so a client's VM queues behind them as the model says."""

from __future__ import annotations

import datetime

from acgsim import scenarios
from acgsim.sim.loader import load_scenario

from .conftest import client

QC = "?api-version=2024-11-01"


def _seconds(stamp: str) -> float:
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _client_vm_after_the_burst(play: bool) -> tuple[float, dict]:
    """A client's VM sent just after the scenario's 120-VM burst (at 1 h, one replica)."""
    s, _ = load_scenario(scenarios.resolve("seed-120-vms-1-replica"))
    c, server = client(s, step=1.0, play=play)
    w = server.world
    c.post("/acgsim/clock", json={"advance": 3600 + 5})
    sub = w.sub_id(s.tenants[0].subscriptions[0])
    gallery = next(iter(w.galleries.values()))
    image = (
        f"/subscriptions/{gallery.sub_id}/resourceGroups/{gallery.model.resource_group}/providers/"
        "Microsoft.Compute/galleries/contosoImages/images/web/versions/1.0.0"
    )
    body = {
        "location": "westeurope",
        "properties": {"storageProfile": {"imageReference": {"id": image}}},
    }
    r = c.put(
        f"/subscriptions/{sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/mine{QC}",
        json=body,
    )
    assert r.status_code == 201, r.text
    while (status := c.get(r.headers["Azure-AsyncOperation"]).json())["status"] == "InProgress":
        c.post("/acgsim/clock", json={"advance": 10})
    assert status["status"] == "Succeeded"
    c.post("/acgsim/clock", json={"advance": 3 * 3600})
    state = c.get("/acgsim/state").json()
    return _seconds(status["endTime"]) - _seconds(status["startTime"]), state


def test_the_scenarios_burst_is_played_and_a_clients_vm_queues_behind_it():
    alone, quiet = _client_vm_after_the_burst(play=False)
    behind, busy = _client_vm_after_the_burst(play=True)
    assert quiet["played"] == {}
    assert busy["played"] == {"vms/0": {"requests": 120, "succeeded": 120, "failed": 0}}
    # one replica serves 20 disk creations at a time: the client's VM waits for the 120 ahead
    assert behind > alone + 60
