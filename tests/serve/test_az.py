"""The real azure-cli against acgsim serve: a custom cloud, an offline login, `az sig` to the end.

az is registered as a custom cloud whose Resource Manager and active-directory endpoints are the
server (`az cloud register --endpoint-resource-manager URL` reads the rest from the server's
/metadata/endpoints); `core.instance_discovery=false` lets MSAL use that authority without
Microsoft's discovery service; a service-principal login with a made-up secret gets a token from
the server's stand-in token endpoint. Then `az sig create`, `image-definition create` and
`image-version create` to three regions, which az waits for with its own poller, and `show
--expand ReplicationStatus`.

azure-cli is large (about 700 MB): it is not a test dependency of the package. The test runs where
ACGSIM_AZ names an az executable (or az is on PATH); CI installs azure-cli into a venv of its own
and sets ACGSIM_REQUIRE_AZ=1, so there the test must run, not skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

AZ = os.environ.get("ACGSIM_AZ") or shutil.which("az")
if AZ is None and os.environ.get("ACGSIM_REQUIRE_AZ") != "1":
    pytest.skip(
        "az is not installed: pip install azure-cli into a venv and set ACGSIM_AZ=<venv>/bin/az",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def az(live, tmp_path_factory):
    """Run az against the live server, logged in offline; returns a function of the arguments."""
    assert AZ is not None, "ACGSIM_REQUIRE_AZ=1 but no az: set ACGSIM_AZ"
    home = tmp_path_factory.mktemp("az-home")
    env = {
        **os.environ,
        "AZURE_CONFIG_DIR": str(home),
        "REQUESTS_CA_BUNDLE": str(live.cert),
        "AZURE_CORE_COLLECT_TELEMETRY": "false",
        "AZURE_CORE_ONLY_SHOW_ERRORS": "true",
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [AZ, *args], env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, f"az {' '.join(args)}:\n{done.stderr}"
        return done.stdout

    run("config", "set", "core.instance_discovery=false")
    run("cloud", "register", "-n", "acgsim", "--endpoint-resource-manager", f"{live.url}/")
    run("cloud", "set", "-n", "acgsim")
    from acgsim.sim.serve.resources import stable_uuid

    tenant = stable_uuid("tenant", "contoso")  # the default world's tenant
    login = json.loads(
        run(
            "login",
            "--service-principal",
            "-u",
            "00000000-0000-0000-0000-0000000000a1",
            "-p",
            "made-up-secret",
            "--tenant",
            tenant,
        )
    )
    assert login[0]["cloudName"] == "acgsim" and login[0]["tenantId"] == tenant
    return run


def test_az_sig_creates_and_replicates_a_version(az, live):
    gallery = json.loads(az("sig", "create", "-g", "rg-az", "-r", "azgallery", "-l", "eastus"))
    assert gallery["provisioningState"] == "Succeeded"
    image = json.loads(
        az(
            "sig", "image-definition", "create", "-g", "rg-az", "-r", "azgallery", "-i", "web",
            "--publisher", "contoso", "--offer", "web", "--sku", "22_04",
            "--os-type", "Linux", "--os-state", "Generalized",
        )
    )  # fmt: skip
    assert image["hyperVGeneration"] == "V2"
    source = (
        f"/subscriptions/{gallery['id'].split('/')[2]}/resourceGroups/rg/providers/"
        "Microsoft.Compute/images/golden"
    )
    before = live.server.world.now
    version = json.loads(
        az(
            "sig", "image-version", "create", "-g", "rg-az", "-r", "azgallery", "-i", "web",
            "-e", "1.0.0", "--managed-image", source,
            "--target-regions", "eastus", "westeurope=2", "westus2=1=standard_zrs",
        )
    )  # fmt: skip
    assert version["provisioningState"] == "Succeeded"
    assert live.server.world.now - before > 600  # az waited while the model replicated
    shown = json.loads(
        az(
            "sig", "image-version", "show", "-g", "rg-az", "-r", "azgallery", "-i", "web",
            "-e", "1.0.0", "--expand", "ReplicationStatus",
        )
    )  # fmt: skip
    summary = {s["region"]: s["state"] for s in shown["replicationStatus"]["summary"]}
    assert summary == {"eastus": "Completed", "westeurope": "Completed", "westus2": "Completed"}
    regions = {t["name"]: t for t in shown["publishingProfile"]["targetRegions"]}
    assert regions["westus2"]["storageAccountType"] == "Standard_ZRS"
    assert regions["westeurope"]["regionalReplicaCount"] == 2
