"""Fixtures for acgsim serve: an in-process app for raw HTTP, a live HTTPS server for real clients.

The live server is uvicorn in a thread on a free loopback port, with the certificate acgsim makes;
the Azure SDK reaches it over TLS exactly as it reaches Azure (connection_verify points at the
certificate). Tests are skipped, naming what is missing, where the serve or test extras are not
installed.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip(
    "starlette", reason="acgsim serve needs the serve extra: pip install -e .[serve]"
)
pytest.importorskip("httpx", reason="Starlette's test client needs httpx (the test extra)")

SUB = "11111111-2222-3333-4444-555555555555"
Q = "?api-version=2025-03-03"
BASE = f"/subscriptions/{SUB}/resourceGroups/rg-images/providers/Microsoft.Compute"


def client(scenario=None, **options):
    """Starlette's test client on a fresh server (default: 60 simulated seconds per request)."""
    from starlette.testclient import TestClient

    from acgsim.sim.serve.server import Options, build

    options.setdefault("step", 60.0)
    server, app = build(scenario, Options(**options))
    return TestClient(app, raise_server_exceptions=False), server


def image_body(**props):
    body = {
        "location": "eastus",
        "properties": {
            "osType": "Linux",
            "osState": "Generalized",
            "identifier": {"publisher": "contoso", "offer": "web", "sku": "22_04"},
            **props,
        },
    }
    return body


def version_body(*targets, **pub):
    regions = [t if isinstance(t, dict) else {"name": t} for t in targets] or None
    profile = {"targetRegions": regions, **pub} if regions else pub
    return {
        "location": "eastus",
        "properties": {
            "publishingProfile": profile,
            "storageProfile": {
                "source": {
                    "id": f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/"
                    "images/golden"
                }
            },
        },
    }


def gallery_with_image(c) -> None:
    assert c.put(f"{BASE}/galleries/gal{Q}", json={"location": "East US"}).status_code == 201
    assert c.put(f"{BASE}/galleries/gal/images/web{Q}", json=image_body()).status_code == 201


class Live:
    """A running HTTPS server: its URL, certificate and Server object."""

    def __init__(self, url: str, cert: Path, server):
        self.url, self.cert, self.server = url, cert, server


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """acgsim serve over HTTPS on a free port, fast (speed 1000), buckets on wall time."""
    pytest.importorskip("uvicorn", reason="acgsim serve needs uvicorn (the serve extra)")
    import uvicorn

    from acgsim.sim.serve.server import Options, build
    from acgsim.sim.serve.tls import make_certificate

    folder = tmp_path_factory.mktemp("serve")
    cert, key = make_certificate(folder)
    server, app = build(None, Options(speed=1000.0, state_dir=folder))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not runner.started:
        assert time.monotonic() < deadline, "acgsim serve did not start in 20 s"
        time.sleep(0.05)
    yield Live(f"https://127.0.0.1:{port}", cert, server)
    runner.should_exit = True
    thread.join(timeout=10)
    server.trace.close()
