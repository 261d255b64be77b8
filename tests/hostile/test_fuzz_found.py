"""The bugs the held-out fuzzer (tests/hostile/fuzz.py) found, each as the smallest input that
showed it: one test per bug, written before its fix."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from acgsim.cli import app

from ..helpers import ROOT, SCENARIOS

LIMIT_AS = 1536 << 20


def acgsim(*args: str, cwd: Path, wall: float = 60) -> subprocess.CompletedProcess:
    """`python -m acgsim ARGS` in its own process, held to 1.5 GB of address space."""
    return subprocess.run(
        [sys.executable, "-m", "acgsim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=wall,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS)),
    )


RUNNER = CliRunner()


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The same in this process (faster; no memory limit, no wall clock): for inputs that can
    neither hang nor exhaust memory. An exception other than an exit fails the test."""
    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = RUNNER.invoke(app, list(args))
    finally:
        os.chdir(here)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def refused(done: subprocess.CompletedProcess, *named: str) -> None:
    """Exit 2, no traceback, every name in the message."""
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    for name in named:
        assert name in done.stderr, (name, done.stderr)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The ARM template `acgsim export quickstart` writes (and its parameters file beside it)."""
    folder = tmp_path_factory.mktemp("arm")
    done = cli(
        "export", str(SCENARIOS / "quickstart.yaml"), "-f", "arm", "-o", "t.json", cwd=folder
    )
    assert done.returncode == 0, done.stderr
    return folder / "t.json"


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/zero and RLIMIT_AS")
@pytest.mark.parametrize("where", ["template", "parameters"])
def test_import_of_an_endless_device_is_refused_not_read_to_exhaustion(template, tmp_path, where):
    """`acgsim import /dev/zero` read the device to the end of memory: MemoryError traceback."""
    args = ["/dev/zero"] if where == "template" else [str(template), "--parameters", "/dev/zero"]
    refused(acgsim("import", *args, cwd=tmp_path), "/dev/zero")


def test_a_bad_value_in_a_parameters_file_is_blamed_on_that_file(template, tmp_path):
    """A parameters file giving an array for a string parameter was reported against the
    template, at a line of the template: the user looked in the wrong file."""
    given = json.loads(template.with_name("t.parameters.json").read_text())
    name = next(iter(given["parameters"]))
    given["parameters"][name]["value"] = ["/subscriptions/x", "/subscriptions/y"]
    (tmp_path / "mine.parameters.json").write_text(json.dumps(given))
    done = cli("import", str(template), "--parameters", "mine.parameters.json", cwd=tmp_path)
    refused(done, "mine.parameters.json", f"parameters.{name}")
    assert str(template) not in done.stderr


def test_a_parameters_file_value_for_an_undeclared_parameter_is_blamed_on_that_file(
    template, tmp_path
):
    (tmp_path / "p.json").write_text(json.dumps({"parameters": {"galleryNmae": {"value": "x"}}}))
    done = cli("import", str(template), "--parameters", "p.json", cwd=tmp_path)
    refused(done, "p.json", "galleryNmae")
    assert str(template) not in done.stderr


def test_an_import_set_for_an_undeclared_parameter_names_the_option(template, tmp_path):
    done = cli("import", str(template), "--set", "galleryNmae=corp", cwd=tmp_path)
    refused(done, "--set", "galleryNmae")


def test_a_vary_path_into_an_empty_list_says_the_list_is_empty(tmp_path):
    """`--vary faults[0].at=0s` on a scenario without faults said "PATH 'faults[0].at (at 0)':
    index 0 is out of range (0..-1)": a range that does not exist, the step inside the quotes."""
    done = cli(
        "sweep", "quickstart", "--vary", "faults[0].at=0s", "-k", "1", "--out", "s", cwd=tmp_path
    )
    refused(done, "PATH 'faults[0].at'", "the list is empty")
    assert "0..-1" not in done.stderr
    assert not (tmp_path / "s").exists() or not any((tmp_path / "s").iterdir())


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["run", ""], "SCENARIO"),
        (["run", "quickstart", "--out", ""], "--out"),
        (["run", "quickstart", "--out="], "--out"),
        (["plan", "quickstart", "--prices", ""], "--prices"),
        (["export", "quickstart", "-f", "arm", "-o", ""], "-o"),
        (["import", ""], "FILE"),
    ],
)
def test_an_empty_argument_is_refused_not_read_as_the_current_folder(args, named, tmp_path):
    """An unset shell variable (`acgsim run "$SCENARIO"`, `--out "$DIR"`) became '.', the
    current folder: ". is a folder, not a scenario file", or a run's results written into it."""
    done = cli(*args, cwd=tmp_path)
    refused(done, named, "empty")
    assert not done.stderr.startswith(".:"), done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("duration", ["999999999999h", "100000d"])
def test_a_fault_that_outlasts_the_run_by_ages_ends_at_the_horizon(duration, tmp_path):
    """A region outage of 10^12 hours: the service's retry stepped its wait forward one
    retry_delay at a time until the fault cleared, 4 x 10^12 steps: the run never ended."""
    done = acgsim(
        "run", "quickstart", "--fault", f"region:westeurope@0s+{duration}", cwd=tmp_path, wall=30
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "RegionUnavailable" in done.stdout


def test_a_zero_replication_retry_delay_is_refused(tmp_path):
    """retry_delay 0 with a fault in force retried at one instant for ever: a hang."""
    done = acgsim(
        "run", "quickstart", "--set", "model.replication.retry_delay=0s",
        "--fault", "region:westeurope@0s+1h", cwd=tmp_path, wall=30,
    )  # fmt: skip
    refused(done, "--set", "model.replication.retry_delay")


LONG = "x" * 300  # past a file name's 255 bytes


@pytest.mark.parametrize(
    "args",
    [
        ["run", LONG],
        ["validate", LONG],
        ["import", LONG],
        ["scenarios", "show", LONG],
        ["export", "quickstart", "-f", "arm", "-o", LONG],
        ["run", "quickstart", "--out", LONG],
        ["report", "quickstart", "--out", LONG],
        ["init", LONG],
        ["report", LONG, "--out", "r"],
        ["scenarios", "copy", "quickstart", LONG],
    ],
    ids=lambda args: " ".join(a[:8] for a in args),
)
def test_a_file_name_too_long_for_the_file_system_is_refused_in_one_line(args, tmp_path):
    """A 300-character name: Path.exists() raised ENAMETOOLONG, which only ENOENT-like errors
    are spared: an OSError traceback from every command that reads or writes a file."""
    done = cli(*args, cwd=tmp_path)
    refused(done, "xxxxxxxxxx")
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_wave_of_an_image_definition_with_no_version_fails_its_requests_not_the_run(tmp_path):
    """An image definition with `versions: []` (published later, or all deleted) passed
    validation with a warning, then broke the run: IndexError in the wave's refusal check."""
    data = yaml.safe_load((SCENARIOS / "quickstart.yaml").read_text())
    image = data["galleries"][0]["images"][0]
    data["galleries"][0]["images"].append(
        {**image, "name": "empty", "sku": "other", "versions": []}
    )
    data["workload"]["vms"][0]["image"] = "contosoImages/empty/latest"
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    for command in (["run", "s.yaml", "--json"], ["explain", "s.yaml", "--vm", "1"]):
        done = cli(*command, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(cli("run", "s.yaml", "--json", cwd=tmp_path).stdout)
    assert result["overall"]["failed"] == data["workload"]["vms"][0]["count"]


def test_a_deeply_nested_line_in_a_sweeps_rows_is_refused_on_resume(tmp_path):
    """`sweep --resume` read rows.jsonl and sweep.json with json.loads, which 100,000
    brackets send into a RecursionError traceback."""
    sweep = ["sweep", "quickstart", "--vary", "model.replica_concurrency=5,10", "-k", "1"]
    sweep += ["--workers", "1", "--out", "s"]
    assert cli(*sweep, cwd=tmp_path).returncode == 0
    rows = tmp_path / "s" / "rows.jsonl"
    rows.write_text("[" * 100_000 + "]" * 100_000 + "\n" + rows.read_text())
    refused(cli(*sweep, "--resume", cwd=tmp_path), "rows.jsonl", "line 1")
    (tmp_path / "s" / "sweep.json").write_text("[" * 100_000 + "]" * 100_000)
    refused(cli(*sweep, "--resume", cwd=tmp_path), "sweep.json")


def test_thousands_of_problems_in_a_json_scenario_are_located_in_one_pass(tmp_path):
    """Each problem's line was found by scanning the JSON from the top, skipping every item
    before it: 5,000 copied galleries took 40 s of CPU to refuse (120 s on a busy machine, the
    fuzzer's limit). Each list is now scanned once; the lines stay exact."""
    data = yaml.safe_load((SCENARIOS / "quickstart.yaml").read_text())
    data["galleries"] *= 3000
    text = json.dumps(data, indent=1)
    (tmp_path / "s.json").write_text(text)
    done = acgsim("validate", "s.json", cwd=tmp_path, wall=25)
    refused(done, "s.json: galleries[2999].name")
    lines = text.splitlines()
    located = [ln for ln in done.stderr.splitlines() if "must be unique" in ln]
    assert len(located) == 2999
    for message in located[::500]:
        line = int(message.rsplit("(line ", 1)[1].rstrip(")"))
        assert lines[line - 1].strip() == '"name": "contosoImages",', (message, lines[line - 1])


def test_a_serve_trace_line_nested_past_jsons_depth_is_named_not_a_traceback(tmp_path):
    """`acgsim report trace.jsonl` caught ValueError per line, but 20,000 nested brackets (well
    under the 64 KiB line limit) raise RecursionError: a traceback instead of the line number."""
    record = {"seq": 1, "method": "GET", "path": "/subscriptions/s/providers/x", "status": 200}
    (tmp_path / "trace.jsonl").write_text(
        json.dumps(record) + "\n" + "[" * 20_000 + "]" * 20_000 + "\n"
    )
    done = cli("report", "trace.jsonl", "--out", "r", cwd=tmp_path)
    refused(done, "trace.jsonl:2")
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


@pytest.mark.parametrize("vm", ["fastest", "-3", "1.5", "slowest please"])
def test_explain_refuses_a_vm_it_does_not_know_instead_of_telling_the_median(vm, tmp_path):
    """`explain --vm fastest` (or -3) told the median request's story without a word: any
    word but 'slowest' or 'failed' picked the median."""
    done = cli("explain", "quickstart", "--vm", vm, cwd=tmp_path)
    refused(done, "--vm", "slowest, median or failed")


def test_explain_slowest_when_no_request_ran_says_so(tmp_path):
    """With every request failed, `--vm slowest` said "this run has requests 1..60, or none
    failed": the wrong reason."""
    outage = ["--fault", "region:westeurope@0s+1000d"]
    done = cli("explain", "quickstart", *outage, "--vm", "slowest", cwd=tmp_path)
    refused(done, "--vm", "no request reached running")
    assert "none failed" not in done.stderr
    assert cli("explain", "quickstart", *outage, "--vm", "failed", cwd=tmp_path).returncode == 0


def _state(**version_values) -> dict:
    """`terraform show -json` of a gallery, an image and a version with these values."""
    common = {"gallery_name": "g", "resource_group_name": "rg", "location": "westeurope"}
    resources = [
        {"address": "azurerm_shared_image_gallery.g", "type": "azurerm_shared_image_gallery",
         "mode": "managed", "values": {"name": "g", "location": "westeurope"}},
        {"address": "azurerm_shared_image.i", "type": "azurerm_shared_image", "mode": "managed",
         "values": {**common, "name": "i", "os_type": "Linux",
                    "identifier": [{"publisher": "p", "offer": "o", "sku": "s"}]}},
        {"address": "azurerm_shared_image_version.v", "type": "azurerm_shared_image_version",
         "mode": "managed", "values": {**common, "name": "1.0.0", "image_name": "i",
                                       **version_values}},
    ]  # fmt: skip
    return {"format_version": "1.0", "values": {"root_module": {"resources": resources}}}


@pytest.mark.parametrize(
    "values",
    [{"target_region": 5}, {"end_of_life_date": 20261231}, {"target_region": "westeurope"}],
    ids=str,
)
def test_a_terraform_value_of_the_wrong_type_is_refused_naming_the_resource(values, tmp_path):
    """A hand-edited state with `target_region: 5` gave "TypeError: 'int' object is not
    iterable" from the Terraform reader: a traceback, exit 1."""
    (tmp_path / "state.json").write_text(json.dumps(_state(**values)))
    done = cli("import", "state.json", cwd=tmp_path)
    refused(done, "state.json", "azurerm_shared_image_version.v", next(iter(values)))
    state = _state()
    state["values"]["root_module"]["child_modules"] = 5
    (tmp_path / "state.json").write_text(json.dumps(state))
    refused(cli("import", "state.json", cwd=tmp_path), "state.json", "child_modules")


def test_a_terraform_state_whose_values_is_not_an_object_is_refused(tmp_path):
    """`"values": 5` gave AttributeError ('int' object has no attribute 'get'): a traceback."""
    (tmp_path / "state.json").write_text(json.dumps({"format_version": "1.0", "values": 5}))
    refused(cli("import", "state.json", cwd=tmp_path), "state.json", "root_module")


def test_a_replication_sample_whose_status_is_not_an_object_is_refused(tmp_path):
    """A sample with `"replicationStatus": [...]` gave AttributeError from calibrate."""
    lines = (ROOT / "docs" / "calibration" / "replication.jsonl").read_text().splitlines()
    sample = json.loads(lines[3])
    sample["replicationStatus"] = [sample["replicationStatus"]]
    lines[3] = json.dumps(sample)
    (tmp_path / "r.jsonl").write_text("\n".join(lines) + "\n")
    done = cli("calibrate", "r.jsonl", "-s", "quickstart", cwd=tmp_path)
    refused(done, "r.jsonl", "line 4", "replicationStatus")
    sample = json.loads(lines[2])
    sample["publishingProfile"]["targetRegions"][0] = "West Europe"  # a name, not an object
    sample["storageProfile"] = "12 GB"
    (tmp_path / "r.jsonl").write_text(json.dumps(sample) + "\n")
    done = cli("calibrate", "r.jsonl", "-s", "quickstart", cwd=tmp_path)
    refused(done, "r.jsonl", "publishingProfile.targetRegions[0]")
