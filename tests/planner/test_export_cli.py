"""Exports from the command line: a version's source chosen in the scenario, a plan not fit to
deploy refused (exit 4) unless forced, companion files written beside the main one, and the az
script's preflight (az installed, recent enough, logged in) before anything is changed."""

from __future__ import annotations

import json
import subprocess

import pytest
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.planner.export import UNFIT, arm, azcli, document, terraform
from acgsim.sim.errors import ScenarioError

from ..helpers import build
from ..planner.arm_schema import strict_errors
from ..sim.engine_cases import one_region

runner = CliRunner()
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-build/providers/"


def _with_source(source: dict) -> dict:
    data = one_region(count=1)
    data["galleries"][0]["images"][0]["versions"][0]["source"] = source
    return data


@pytest.mark.parametrize(
    ("source", "storage_profile", "tf", "az"),
    [
        (
            {"kind": "snapshot", "id": SUB + "Microsoft.Compute/snapshots/os-snap"},
            {"osDiskImage": {"source": {"id": "[parameters('source_gal_web_1_0_0')]"}}},
            "os_disk_snapshot_id",
            "--os-snapshot",
        ),
        (
            {"kind": "vm", "id": SUB + "Microsoft.Compute/virtualMachines/golden"},
            {"source": {"virtualMachineId": "[parameters('source_gal_web_1_0_0')]"}},
            "managed_image_id",
            "--virtual-machine",
        ),
        (
            {
                "kind": "vhd",
                "uri": "https://contosoimg.blob.core.windows.net/vhds/web.vhd",
                "storage_account": SUB + "Microsoft.Storage/storageAccounts/contosoimg",
            },
            {
                "osDiskImage": {
                    "source": {
                        "uri": "[parameters('source_gal_web_1_0_0')]",
                        "storageAccountId": "[parameters('source_gal_web_1_0_0_storage_account')]",
                    }
                }
            },
            "blob_uri",
            "--os-vhd-uri",
        ),
    ],
)
def test_a_source_from_the_scenario_reaches_every_format(source, storage_profile, tf, az):
    export = document.from_scenario(build(_with_source(source)))
    t = arm.template(export)
    version = t["resources"][2]
    assert version["properties"]["storageProfile"] == storage_profile
    given = source.get("id") or source["uri"]
    assert t["parameters"]["source_gal_web_1_0_0"]["defaultValue"] == given
    assert f"{tf} " in terraform.render(export)
    script = azcli.render(export)
    assert f'{az}="$SOURCE_GAL_WEB_1_0_0"' in script
    assert f'SOURCE_GAL_WEB_1_0_0="${{SOURCE_GAL_WEB_1_0_0:-{given}}}"' in script
    assert strict_errors(t) == []  # last: it skips without ../shared


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"kind": "disk"}, "kind"),
        ({"kind": "snapshot", "id": SUB + "Microsoft.Compute/images/x"}, "snapshot resource id"),
        ({"kind": "vhd", "id": SUB + "Microsoft.Compute/images/x"}, "`id` is not a field"),
        ({"kind": "vm", "uri": "https://a.blob.core.windows.net/c/x.vhd"}, "`uri` is not"),
        ({"kind": "vhd", "uri": "http://contoso.example/x.vhd"}, "VHD blob URI"),
        ({"kind": "managed_image", "id": "$(reboot)"}, "managed_image resource id"),
    ],
)
def test_a_wrong_source_is_refused_at_its_field(source, message):
    with pytest.raises(ScenarioError) as info:
        build(_with_source(source))
    text = str(info.value)
    assert "galleries[0].images[0].versions[0].source" in text and message in text


def _plan_file(tmp_path, quickstart_plan, **changes) -> str:
    data = json.loads(quickstart_plan.to_json())
    data.update(changes)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    return str(path)


@pytest.fixture(scope="module")
def quickstart_plan():
    from acgsim.planner.search import plan
    from acgsim.sim.loader import load

    from ..helpers import SCENARIOS

    return plan(load(SCENARIOS / "quickstart.yaml"), runs=2)


def test_an_unfit_plan_is_not_exported_unless_forced(tmp_path, quickstart_plan):
    why = "westeurope: p95 of 12m cannot meet 10m with 100 replicas"
    path = _plan_file(tmp_path, quickstart_plan, infeasible=[why])
    out = tmp_path / "main.tf"
    result = runner.invoke(app, ["export", path, "-f", "terraform", "-o", str(out)])
    assert result.exit_code == UNFIT == 4
    assert why in result.stderr and "not exported" in result.stderr
    assert not out.exists()
    result = runner.invoke(app, ["export", path, "-f", "terraform", "-o", str(out), "--force"])
    assert result.exit_code == 0 and "exported anyway" in result.stderr
    assert out.exists()


def test_a_plan_over_its_budget_is_unfit_even_if_its_list_says_nothing(tmp_path, quickstart_plan):
    objectives = dict(quickstart_plan.objectives, monthly_budget_usd=0.5)
    path = _plan_file(tmp_path, quickstart_plan, objectives=objectives, infeasible=[])
    result = runner.invoke(app, ["export", path, "-f", "arm"])
    assert result.exit_code == UNFIT
    assert "over the budget of 0.50" in result.stderr and result.stdout == ""


def test_arm_and_bicep_write_their_parameters_beside_the_file(tmp_path, quickstart_plan):
    path = _plan_file(tmp_path, quickstart_plan)
    result = runner.invoke(app, ["export", path, "-f", "bicep", "-o", str(tmp_path / "main.bicep")])
    assert result.exit_code == 0, result.output
    params = (tmp_path / "main.bicepparam").read_text()
    assert params.startswith("using './main.bicep'\n")
    assert "param source_contosoImages_ubuntu_web_1_0_0 = 'TODO: " in params
    result = runner.invoke(app, ["export", path, "-f", "arm", "-o", str(tmp_path / "t.json")])
    assert result.exit_code == 0, result.output
    values = json.loads((tmp_path / "t.parameters.json").read_text())["parameters"]
    assert set(values) == {"source_contosoImages_ubuntu_web_1_0_0", "principal_subscription_web"}
    # a companion that exists is refused like the main file, before anything is written
    (tmp_path / "x.bicepparam").write_text("mine")
    result = runner.invoke(app, ["export", path, "-f", "bicep", "-o", str(tmp_path / "x.bicep")])
    assert result.exit_code == 2 and not (tmp_path / "x.bicep").exists()


FAKE = """#!/bin/bash
case "$1" in
  version) echo "${FAKE_VERSION:-2.91.0}";;
  account) [ -n "${FAKE_LOGGED_IN:-}" ] && echo 00000000-0000-0000-0000-000000000000 || {
    echo "Please run 'az login' to setup account." >&2; exit 1; };;
  *) echo "$@" >> "$AZ_LOG";;
esac
"""


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PATH": "/nonexistent"}, "az (the Azure CLI) is not installed"),
        ({"FAKE_VERSION": "2.50.1"}, "az 2.50.1 is older than 2.91.0"),
        ({}, "not logged in to Azure: run az login"),
    ],
)
def test_the_az_script_stops_before_changing_anything(tmp_path, env, message):
    (tmp_path / "az").write_text(FAKE)
    (tmp_path / "az").chmod(0o755)
    script = azcli.render(document.from_scenario(build(one_region(count=1))))
    base = {
        "PATH": f"{tmp_path}:/usr/bin:/bin",
        "AZ_LOG": str(tmp_path / "log"),
        "SOURCE_GAL_WEB_1_0_0": "x",
        "PRINCIPAL_SUBSCRIPTION_APPS": "y",
    }
    bash = "/bin/bash"
    run = subprocess.run(
        [bash, "-c", script], env={**base, **env}, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 1 and message in run.stderr
    assert not (tmp_path / "log").exists()  # no az command ran


def test_the_az_script_runs_past_the_preflight_and_creates_the_group_if_asked(tmp_path):
    (tmp_path / "az").write_text(FAKE)
    (tmp_path / "az").chmod(0o755)
    script = azcli.render(document.from_scenario(build(one_region(count=1))))
    env = {
        "PATH": f"{tmp_path}:/usr/bin:/bin",
        "AZ_LOG": str(tmp_path / "log"),
        "SOURCE_GAL_WEB_1_0_0": "x",
        "PRINCIPAL_SUBSCRIPTION_APPS": "y",
        "FAKE_LOGGED_IN": "1",
        "FAKE_VERSION": "2.100.0",  # newer, compared number by number
        "CREATE_RESOURCE_GROUP": "true",
    }
    run = subprocess.run(["/bin/bash", "-c", script], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    calls = (tmp_path / "log").read_text().splitlines()
    assert calls[0] == "group create --name=rg-images --location=westeurope --output none"
    assert calls[1].startswith("sig create")
