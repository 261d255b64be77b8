"""Starting `acgsim serve`: the world from a scenario, the certificate, uvicorn on localhost.

Binds to 127.0.0.1 unless `allow_remote` is given (then any host the caller names); refuses a
privileged or out-of-range port. The certificate and the trace go to the state folder (default: a
new temporary folder), whose path is printed with the endpoint and how to point clients at it.
"""

from __future__ import annotations

import ipaddress
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from acgsim.sim.errors import InputError
from acgsim.sim.scenario import Scenario, Tenant
from acgsim.sim.serve.clock import check_speed

DEFAULT_SIZE_GB = 30.0  # the model's usual image: a 30 GB OS disk (sim.service_params.Replication)
STEP_EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z: timestamps of a stepped (deterministic) run


@dataclass(frozen=True)
class Options:
    """How to serve: clock, buckets, where, what to write."""

    speed: float = 60.0
    step: float | None = None
    buckets: str = "wall"
    host: str = "127.0.0.1"
    port: int = 8443
    allow_remote: bool = False
    state_dir: Path | None = None
    seed: int | None = None
    size_gb: float = DEFAULT_SIZE_GB
    play: bool = False  # also run the scenario's workload and updates on the clock


def default_scenario() -> Scenario:
    """A world with one tenant and one subscription, when no scenario is given."""
    return Scenario(
        name="serve",
        tenants=[Tenant.model_validate({"name": "contoso", "subscriptions": [{"name": "main"}]})],
    )


def check_host(host: str, allow_remote: bool) -> None:
    """Refuse a non-loopback address unless allowed."""
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not allow_remote:
        raise InputError(
            f"--host: '{host}' is not a loopback address; acgsim serve binds to 127.0.0.1 "
            "unless --allow-remote is given (it accepts any bearer token: keep it local)"
        )


def build(scenario: Scenario | None, options: Options):
    """The Server (world, clock, buckets, trace) and the app serving it."""
    from acgsim.sim.serve.app import Server, create_app
    from acgsim.sim.serve.clock import Clock
    from acgsim.sim.serve.throttling import FrontDoor
    from acgsim.sim.serve.trace import Trace
    from acgsim.sim.serve.world import World

    s = scenario or default_scenario()
    epoch = STEP_EPOCH if options.step is not None else float(int(time.time()))
    seed = s.seed if options.seed is None else options.seed
    world = World(s, seed, options.size_gb, epoch, options.play)
    clock = Clock(options.speed, step=options.step, buckets=options.buckets)
    door = FrontDoor(enabled=s.model.throttling, arm_limits=s.model.arm_limits)
    trace_path = options.state_dir / "trace.jsonl" if options.state_dir else None
    server = Server(world, clock, door, Trace(trace_path))
    return server, create_app(server)


def run(scenario: Scenario | None, options: Options, say) -> None:
    """Serve until interrupted; `say` prints a line for the user."""
    import uvicorn

    from acgsim.sim.serve.tls import make_certificate

    check_host(options.host, options.allow_remote)
    try:
        check_speed(options.speed)
        if options.step is not None and not 0 < options.step <= 86400:
            raise ValueError(f"step: more than 0 and at most 86400 s, not {options.step!r}")
    except ValueError as e:
        raise InputError(f"--{e}") from None
    if not 1024 <= options.port <= 65535:
        raise InputError(f"--port: {options.port} is not in 1024..65535")
    folder = options.state_dir or Path(tempfile.mkdtemp(prefix="acgsim-serve-"))
    options = Options(**{**options.__dict__, "state_dir": folder})
    cert, key = make_certificate(folder, options.host)
    server, app = build(scenario, options)
    url = f"https://{options.host}:{options.port}"
    say(f"acgsim serve: {url} (simulated Azure Resource Manager; any bearer token is accepted)")
    say(f"certificate: {cert}  (export REQUESTS_CA_BUNDLE={cert})")
    say(f"trace: {folder / 'trace.jsonl'}   state: {url}/acgsim/state")
    clock = f"step {options.step} s per request" if options.step else f"speed {options.speed:g}x"
    say(f"clock: {clock}; token buckets on {options.buckets} time. Ctrl-C stops.")
    if options.play:
        s = server.world.scenario
        waves, updates = len(list(s.waves())), len(s.updates)
        say(f"playing the scenario's {waves} workload wave(s) and {updates} update(s) on the clock")
    try:
        uvicorn.run(
            app,
            host=options.host,
            port=options.port,
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
            log_level="warning",
            limit_concurrency=256,
            timeout_keep_alive=30,
        )
    finally:
        server.trace.close()
