"""The command line: every command's help has an example; bad input exits 2, no traceback."""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from acgsim import __version__
from acgsim.cli import app

from .helpers import ROOT, SCENARIOS

runner = CliRunner()
QUICKSTART = str(SCENARIOS / "quickstart.yaml")
COMMANDS = [
    "run",
    "plan",
    "recommend",
    "export",
    "import",
    "compare",
    "init",
    "validate",
    "limits",
    "regions",
    "schema",
    "assumptions",
    "calibrate",
    "scenarios list",
    "scenarios show",
    "scenarios copy",
]


def run(*args: str):
    return runner.invoke(app, list(args))


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = run(*command.split(), "--help")
    assert result.exit_code == 0
    assert "Example: acgsim " + command in " ".join(result.output.split())


def test_top_level_help_and_version():
    assert "Example: acgsim run" in run("--help").output
    result = run("--version")
    assert result.exit_code == 0 and result.output.strip() == f"acgsim {__version__}"


def test_validate_ok():
    result = run("validate", QUICKSTART)
    assert result.exit_code == 0, result.output
    assert f"{QUICKSTART}: ok (1 gallery, 1 image, 1 version, 2 target regions" in result.output


def test_validate_reports_every_problem_and_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (SCENARIOS / "quickstart.yaml")
        .read_text()
        .replace("name: contosoImages", "name: contoso-images")
        .replace("count: 20", "count: 0")
    )
    result = run("validate", QUICKSTART, str(bad))
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith(str(bad))]
    assert lines[0].startswith(f"{bad}: galleries[0].name: 'contoso-images' is not a valid")
    assert any(f"{bad}: workload.vms[1].count: " in line for line in lines)
    _no_traceback(result)


def test_validate_json_report(tmp_path):
    result = run("validate", "--json", QUICKSTART, str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert [r["ok"] for r in report] == [True, False]
    assert report[1]["problems"][0]["message"] == "no such file"


def test_unknown_option_exits_2():
    result = run("validate", "--frobnicate", QUICKSTART)
    assert result.exit_code == 2
    _no_traceback(result)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_random_garbage_exits_2_without_traceback(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("g") / "garbage.yaml"
    path.write_bytes(blob)
    result = run("validate", str(path))
    assert result.exit_code == 2  # empty, not UTF-8, bad YAML, not a mapping or not a scenario
    _no_traceback(result)


def test_every_truncation_of_quickstart_is_handled(tmp_path):
    text = (SCENARIOS / "quickstart.yaml").read_text()
    cuts = sorted(set(range(0, len(text), max(1, len(text) // 150))))
    for i, cut in enumerate(cuts):
        path = tmp_path / f"t{i}.yaml"
        path.write_text(text[:cut])
        result = run("validate", str(path))
        assert result.exit_code in (0, 2), (cut, result.output)
        _no_traceback(result)


def test_json_input_garbage(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"name": ')
    result = run("validate", str(path))
    assert result.exit_code == 2 and "invalid JSON" in result.output


def test_limits_and_regions():
    limits = json.loads(run("limits", "--json").stdout)
    assert {x["key"]: x["value"] for x in limits}["galleries"] == 100
    assert "galleries" in run("limits").output
    zoned = json.loads(run("regions", "--zones", "--json").stdout)
    assert len(zoned) == 37 and all(r["zones"] == [1, 2, 3] for r in zoned)


def test_schema_to_stdout_and_file(tmp_path):
    schema = json.loads(run("schema").stdout)
    assert schema["title"] == "Scenario" and "galleries" in schema["properties"]
    target = tmp_path / "s.json"
    assert run("schema", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text()) == schema
    again = run("schema", "-o", str(target))
    assert again.exit_code == 2 and "--force" in again.output
    assert run("schema", "-o", str(target), "--force").exit_code == 0


def test_assumptions_show_scenario_overrides(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        (SCENARIOS / "quickstart.yaml").read_text() + "model:\n  replica_concurrency: 7\n"
    )
    rows = json.loads(run("assumptions", str(path), "--json").stdout)
    assert {r["parameter"]: r["value"] for r in rows}["replica_concurrency"] == "7"
    [changed] = [r for r in rows if r["overridden"]]  # the scenario's own value, marked
    assert changed["parameter"] == "replica_concurrency"
    assert changed["default"].startswith("20 (from the seed guidance)")
    table = " ".join(run("assumptions", str(path)).stdout.split())
    assert "(1 set by the scenario: marked)" in table and "replica_concurrency 7 (default" in table
    default = json.loads(run("assumptions", "--json").stdout)
    assert default[0]["value"].startswith("20 (from the seed guidance)")
    assert all(r["rationale"] for r in default)


def test_run_prints_the_region_table():
    result = run("run", QUICKSTART)
    assert result.exit_code == 0, result.output
    assert "westeurope" in result.output and "northeurope" in result.output
    assert "Replication" in result.output


def test_run_json_is_deterministic_and_complete():
    first = run("run", QUICKSTART, "--json")
    second = run("run", QUICKSTART, "--json")
    assert first.exit_code == 0 and first.stdout == second.stdout
    doc = json.loads(first.stdout)
    assert doc["seed"] == 1 and doc["wall_time_s"] is None and doc["error"] is None
    assert doc["overall"]["requests"] == 60 and doc["assumptions"]
    assert len(doc["scenario_sha256"]) == 64


def test_run_seed_changes_results():
    a = json.loads(run("run", QUICKSTART, "--json").stdout)
    b = json.loads(run("run", QUICKSTART, "--json", "--seed", "7").stdout)
    assert b["seed"] == 7 and a["overall"]["ttr_p95_s"] != b["overall"]["ttr_p95_s"]


def test_runs_show_confidence_intervals():
    result = run("run", QUICKSTART, "--runs", "3")
    assert result.exit_code == 0 and "3 runs on child seeds" in result.output
    assert "±" in result.output
    doc = json.loads(run("run", QUICKSTART, "-k", "3", "--json").stdout)
    assert [r["run"] for r in doc["runs"]] == [0, 1, 2]
    assert doc["summary"]["all"]["ttr_p95_s"]["n"] == 3


def test_run_out_writes_result_and_trace(tmp_path):
    out = tmp_path / "out"
    result = run("run", QUICKSTART, "--out", str(out), "--trace")
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "result.json").read_text())
    assert len(doc["records"]) == 60
    lines = (out / "records.csv").read_text().splitlines()
    assert lines[0].startswith("id,kind,wave,region") and len(lines) == 61
    again = run("run", QUICKSTART, "--out", str(out))
    assert again.exit_code == 2 and "--force" in again.output
    assert run("run", QUICKSTART, "--out", str(out), "--force").exit_code == 0


def test_run_bad_input_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    result = run("run", str(bad))
    assert result.exit_code == 2 and "tenants: required field is missing" in result.output
    assert run("run", QUICKSTART, "--replications", "0").exit_code == 2
    _no_traceback(result)


def test_recommend_answers_the_guidance_questions():
    assert run("recommend", "--vms", "120").output.startswith("6 replicas")
    doc = json.loads(run("recommend", "--vms", "1000", "--json").stdout)
    assert doc["replicas"] == 50
    doc = json.loads(
        run(
            "recommend", "--vms", "500", "--guidance", "current", "--region", "West US", "--json"
        ).stdout
    )
    assert (doc["replicas"], doc["storage"]) == (10, "Standard_LRS")
    doc = json.loads(run("recommend", "--scale-sets", "4", "--production", "--json").stdout)
    assert doc["replicas"] == 4


@pytest.mark.parametrize(
    "args", [["--vms", "-1"], ["--region", "atlantis"], ["--guidance", "bold"], ["--vms", "many"]]
)
def test_recommend_bad_input_exits_2(args):
    result = run("recommend", *args)
    assert result.exit_code == 2
    _no_traceback(result)


def test_plan_prints_and_writes_the_plan(tmp_path):
    out = tmp_path / "plans"
    result = run(
        "plan", QUICKSTART, "-k", "3", "--workers", "1", "--out", str(out), "--objective", "p95=3m"
    )
    assert result.exit_code == 0, result.output
    assert "northeurope" in result.output and "USD a month" in result.output
    doc = json.loads((out / "plan.json").read_text())
    assert doc["runs"] == 3 and doc["objectives"]["p95"] == "3m"
    assert {r["region"] for r in doc["regions"]} == {"westeurope", "northeurope"}
    assert all(r["candidates"] for r in doc["regions"])


def test_plan_json_and_prices_file(tmp_path):
    prices = tmp_path / "prices.yaml"
    prices.write_text("storage_per_gb_month: {Standard_ZRS: 1.0}\n")
    doc = json.loads(
        run(
            "plan", QUICKSTART, "-k", "2", "--workers", "1", "--json", "--prices", str(prices)
        ).stdout
    )
    assert doc["prices"]["storage_per_gb_month"]["Standard_ZRS"] == 1.0
    assert doc["totals"]["monthly_cost_usd"] == 3 * 12 * 1.0


def test_plan_infeasible_exits_1_with_the_reason():
    result = run("plan", QUICKSTART, "-k", "2", "--workers", "1", "--objective", "p95=20s")
    assert result.exit_code == 1
    assert (
        "cannot meet the objectives: northeurope: no replica count meets p95 20s" in result.output
    )


DEPLOYED = SCENARIOS.parent / "tests" / "planner" / "deployed"


def test_plan_against_what_is_deployed_exits_0_or_3(tmp_path):
    quick = ["plan", QUICKSTART, "-k", "2", "--workers", "1", "--against"]
    first = run(*quick[:-1], "--out", str(tmp_path), "--objective", "p95=5m")
    itself = run(*quick, str(tmp_path / "plan.json"), "--objective", "p95=5m")
    assert (first.exit_code, itself.exit_code) == (0, 0), itself.output
    assert "= unchanged: what is deployed matches the plan (2 regions" in itself.stdout
    same = run(*quick, str(DEPLOYED / "az-show.json"))
    assert same.exit_code == 0, same.output
    assert "= unchanged westeurope: 2 replicas Standard_ZRS (ubuntu-web 1.0.0)" in same.stdout
    drifted = run(*quick, str(DEPLOYED / "az-list-drifted.json"), "--out", str(tmp_path / "d"))
    assert drifted.exit_code == 3, drifted.output
    written = json.loads((tmp_path / "d" / "diff.json").read_text())
    assert [r["action"] for r in written["regions"]] == ["add", "change", "remove"]
    assert "~ storage westeurope: Standard_LRS -> Standard_ZRS" in drifted.stdout
    assert "warning: replication Failed in westus" in drifted.output
    doc = json.loads(run(*quick, str(DEPLOYED / "az-list-drifted.json"), "--json").stdout)
    assert doc["plan"]["scenario"] == "quickstart" and doc["diff"]["currency"] == "USD"
    assert [r["action"] for r in doc["diff"]["regions"]] == ["add", "change", "remove"]
    unmet = run(*quick, str(DEPLOYED / "az-list-drifted.json"), "--objective", "p95=20s")
    assert unmet.exit_code == 1 and "- region westus" in unmet.stdout  # 1 wins over 3


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[{"id": 3}]', ": [0].id: missing or not an image version's resource id"),
        ('{"resources": []}', ": resources: holds no image version"),
        ("name: x\n", ": (top level): is not a plan.json, an ARM template"),
    ],
)
def test_plan_against_bad_input_exits_2_before_planning(tmp_path, text, says):
    current = tmp_path / ("current.yaml" if text.startswith("name") else "current.json")
    current.write_text(text)
    result = run("plan", QUICKSTART, "--workers", "1", "--against", str(current))
    assert result.exit_code == 2 and f"{current}{says}" in result.output, result.output
    assert "Plan for" not in result.output
    _no_traceback(result)


@pytest.mark.parametrize(
    "args",
    [
        ["--objective", "p95"],
        ["--objective", "speed=fast"],
        ["--objective", "p95=fast"],
        ["--guidance", "x"],
        ["--replications", "1"],
        ["--prices", "/nonexistent.yaml"],
    ],
)
def test_plan_bad_input_exits_2(args):
    result = run("plan", QUICKSTART, "--workers", "1", *args)
    assert result.exit_code == 2, result.output
    _no_traceback(result)


def test_out_problems_are_refused_before_any_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for command in (["plan", QUICKSTART, "--workers", "1"], ["run", QUICKSTART]):
        result = run(*command, "--out", str(blocker))
        assert result.exit_code == 2 and "is a file, not a folder" in result.output
        _no_traceback(result)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "plan.json").write_text("{}")
    result = run("plan", QUICKSTART, "--workers", "1", "--out", str(tmp_path / "plans"))
    assert result.exit_code == 2 and "--force" in result.output
    assert "Plan for" not in result.output  # refused before the search


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("arm", '"$schema"'),
        ("bicep", "resource "),
        ("terraform", "azurerm_shared_image_version"),
        ("azcli", "az sig image-version create"),
    ],
)
def test_export_each_format(fmt, marker):
    result = run("export", QUICKSTART, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert marker in result.stdout


def test_plan_export_and_import(tmp_path):
    out = tmp_path / "out"
    result = run(
        "plan",
        QUICKSTART,
        "-k",
        "2",
        "--workers",
        "1",
        "--out",
        str(out),
        "--export",
        "arm",
        "--export",
        "terraform",
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "plan.json",
        "template.json",
        "template.parameters.json",  # the values the deployment supplies
        "main.tf",
    }
    again = run(
        "export", str(out / "plan.json"), "--format", "bicep", "-o", str(tmp_path / "main.bicep")
    )
    assert (
        again.exit_code == 0
        and "parent: gallery_contosoImages" in (tmp_path / "main.bicep").read_text()
    )
    imported = run("import", str(out / "template.json"), "-o", str(tmp_path / "s.yaml"))
    assert imported.exit_code == 0, imported.output
    assert run("validate", str(tmp_path / "s.yaml")).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["export", QUICKSTART, "--format", "pulumi"],
        ["export", QUICKSTART],
        ["plan", QUICKSTART, "--export", "arm"],
        ["import", QUICKSTART],
    ],
)
def test_export_and_import_bad_input_exits_2(args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    _no_traceback(result)


def test_scenarios_list_show_copy(tmp_path):
    listed = json.loads(run("scenarios", "list", "--json").stdout)
    names = [r["name"] for r in listed]
    assert len(names) >= 10 and "zone-outage-lrs" in names and all(r["lesson"] for r in listed)
    shown = run("scenarios", "show", "zone-outage-lrs")
    assert shown.exit_code == 0 and "name: zone-outage-lrs" in shown.stdout
    assert run("scenarios", "copy", "zone-outage-lrs", str(tmp_path)).exit_code == 0
    copied = tmp_path / "zone-outage-lrs.yaml"
    assert copied.read_text() == (SCENARIOS / "zone-outage-lrs.yaml").read_text()
    again = run("scenarios", "copy", "zone-outage-lrs", str(copied))
    assert again.exit_code == 2 and "--force" in again.output
    missing = run("scenarios", "show", "no-such-lesson")
    assert missing.exit_code == 2 and "known:" in missing.output
    _no_traceback(missing)


def test_compare_pairs_replications_and_marks_significance():
    result = run(
        "compare",
        str(SCENARIOS / "zone-outage-lrs.yaml"),
        str(SCENARIOS / "zone-outage-zrs.yaml"),
        "-k",
        "3",
        "--json",
    )
    assert result.exit_code == 0, result.output
    table = json.loads(result.stdout)
    retries = table["all"]["retries"]
    assert retries["a"] > 0 and retries["b"] == 0 and retries["diff"] < 0
    same = json.loads(run("compare", QUICKSTART, QUICKSTART, "-k", "3", "--json").stdout)
    assert all(
        f["diff"] == 0 and not f["significant"]
        for f in same["all"].values()
        if f["diff"] is not None
    )
    text = run("compare", QUICKSTART, QUICKSTART, "-k", "2", "--regions").output
    assert "northeurope:" in text and "significant" in text


def test_init_writes_a_scenario_that_validates_and_runs(tmp_path):
    target = tmp_path / "mine.yaml"
    result = run(
        "init",
        str(target),
        "--region",
        "West Europe",
        "--region",
        "westus",
        "--vms",
        "120",
        "--scale-sets",
        "2",
    )
    assert result.exit_code == 0, result.output
    text = target.read_text()
    assert "replicas: 6 " in text and "storage: Standard_LRS" in text and "# " in text
    assert run("validate", str(target)).exit_code == 0
    ran = json.loads(run("run", str(target), "--json").stdout)
    assert ran["overall"]["requests"] == 2 * (120 + 2 * 100) and ran["overall"]["failed"] == 0
    assert run("init", str(target)).exit_code == 2  # exists
    bad = run("init", str(tmp_path / "x.yaml"), "--region", "atlantis")
    assert bad.exit_code == 2 and "unknown Azure region" in bad.output


def test_report_from_a_scenario_a_result_and_a_plan(tmp_path):
    result = run("report", str(SCENARIOS / "zone-outage-lrs.yaml"), "--out", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "report.html").exists() and (tmp_path / "r" / "over-time.png").exists()
    assert run("run", QUICKSTART, "--out", str(tmp_path / "run"), "--report").exit_code == 0
    assert (tmp_path / "run" / "report" / "report.html").exists()
    again = run(
        "report", str(tmp_path / "run" / "result.json"), "--out", str(tmp_path / "r2"), "--svg"
    )
    assert again.exit_code == 0 and (tmp_path / "r2" / "replication.svg").exists()
    planned = run(
        "plan", QUICKSTART, "-k", "2", "--workers", "1", "--out", str(tmp_path / "p"), "--report"
    )
    assert planned.exit_code == 0 and (tmp_path / "p" / "report" / "tradeoff.png").exists()
    assert (
        run("report", str(tmp_path / "p" / "plan.json"), "--out", str(tmp_path / "p2")).exit_code
        == 0
    )


@pytest.mark.parametrize(
    "args",
    [
        ["report", QUICKSTART],
        ["run", QUICKSTART, "--report"],
        ["report", "/nonexistent.yaml", "--out", "/tmp/acgsim-x"],
    ],
)
def test_report_bad_input_exits_2(args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    _no_traceback(result)


def test_init_large_bursts_and_many_regions_still_run(tmp_path):
    target = tmp_path / "big.yaml"
    assert run("init", str(target), "--vms", "1000").exit_code == 0
    ran = json.loads(run("run", str(target), "--json").stdout)["overall"]
    assert ran["succeeded"] == ran["requests"] == 1000  # after replication, within ARM's rate
    many = tmp_path / "many.yaml"
    assert (
        run(
            "init", str(many), "--regions", "westeurope,eastus,japaneast,westus", "--vms", "100"
        ).exit_code
        == 0
    )
    ran = json.loads(run("run", str(many), "--json").stdout)["overall"]
    assert ran["succeeded"] == ran["requests"] == 400
    twice = run("init", str(tmp_path / "t.yaml"), "-r", "westeurope", "-r", "West Europe")
    assert twice.exit_code == 2 and "given twice" in twice.output


def test_a_bundled_name_works_where_a_scenario_file_does(tmp_path):
    by_name = run("run", "quickstart", "--json")
    by_file = run("run", QUICKSTART, "--json")
    assert by_name.exit_code == 0, by_name.output
    assert json.loads(by_name.stdout) == json.loads(by_file.stdout)
    assert run("validate", "zone-outage-lrs").exit_code == 0
    exported = run("export", "quickstart", "--format", "bicep")
    assert exported.exit_code == 0 and "Microsoft.Compute/galleries" in exported.stdout


@pytest.mark.parametrize(
    "args, says",
    [
        (["run", "no-such-lesson"], "no-such-lesson: (top level): no such file, and no bundled"),
        (["validate", "no/such/file.yaml"], "no/such/file.yaml"),
        (["plan", "quickstart", "--objective", "p95"], "--objective p95: write KEY=VALUE"),
        (["plan", "quickstart", "--guidance", "loose"], "'loose' is not one of 'seed', 'current'"),
        (["plan", "quickstart", "--export", "pulumi", "--out", "x"], "--export: 'pulumi'"),
        (["export", "quickstart", "--format", "pulumi"], "'-f': Value error, 'pulumi'"),
        (["recommend", "--vms", "10", "--region", "atlantis"], "--region: unknown Azure region"),
        (["init", "x.yaml", "--region", "westeurope,westeurope"], "westeurope is given twice"),
        (["scenarios", "show", "../quickstart"], "no bundled scenario '../quickstart'"),
    ],
)
def test_user_errors_exit_2_with_one_clear_line(args, says, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert not list(tmp_path.iterdir()), "a refused command wrote nothing"


def test_the_old_replications_option_still_works():
    old = run("run", "quickstart", "--replications", "2", "--json")
    new = run("run", "quickstart", "--runs", "2", "--json")
    assert old.exit_code == new.exit_code == 0
    assert old.stdout == new.stdout


def test_scenarios_copy_into_a_new_folder_named_with_a_slash(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("scenarios", "copy", "quickstart", "newdir/")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "newdir" / "quickstart.yaml").is_file()
    assert run("scenarios", "copy", "quickstart", "mine.yaml").exit_code == 0
    assert (tmp_path / "mine.yaml").is_file()


@pytest.mark.parametrize("command", ["run", "plan", "sweep", "compare", "report"])
def test_every_command_that_simulates_has_the_ceilings(command):
    wide = runner.invoke(app, [command, "--help"], env={"COLUMNS": "300"})
    text = " ".join(wide.output.split())
    assert "--max-requests" in text and "--max-memory" in text and "before it starts" in text
    assert "[default: 2000000;" in text and "[default: 2.0;" in text


def test_a_run_past_its_ceiling_exits_2_in_one_line_before_any_work(tmp_path):
    result = run("run", QUICKSTART, "--runs", "5", "--max-requests", "100", "--out", str(tmp_path))
    _no_traceback(result)
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "these 5 runs would simulate 300 requests" in result.output
    assert "--max-requests 300" in result.output and not any(tmp_path.iterdir())
    assert run("run", QUICKSTART, "--runs", "5", "--max-requests", "300").exit_code == 0


# --- reading at any width, what-ifs, lessons (issue 17) ---------------------------------------


def _examples():
    """Every `Example:` line of every command's help, in the order the commands are listed."""
    from typer.main import get_command

    group = get_command(app)
    found = []

    def walk(cmd, path):
        for line in (cmd.help or "").splitlines():
            if line.strip().startswith("Example:"):
                found.append((" ".join(path) or "acgsim", line.strip()))
        if hasattr(cmd, "list_commands"):  # a group (typer ships its own click)
            ctx = cmd.context_class(cmd)
            for name in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, name), [*path, name])

    walk(group, [])
    return found


def test_every_help_example_fits_80_columns_and_runs_as_written(tmp_path, monkeypatch):
    import shlex

    monkeypatch.chdir(tmp_path)
    # calibrate's example reads the activity log the README shows (docs/calibration/)
    shutil.copy(ROOT / "docs" / "calibration" / "activity-log.json", tmp_path)
    examples = _examples()
    assert len(examples) >= 20
    for where, line in examples:
        assert len(line) + 2 <= 80, f"{where}: {line}"  # help indents it by two
        words = shlex.split(line.removeprefix("Example:"))
        assert words[0] == "acgsim", line
        if words[1] == "serve":  # a server runs until stopped: its options are checked instead
            words = [*words, "--help"]
        result = runner.invoke(app, words[1:], env={"COLUMNS": "80"})
        assert result.exit_code == 0, f"{line}\n{result.output}"


def test_help_shows_names_people_read():
    text = run("plan", "--help", "--json").output + run("import", "--help").output
    text += run("compare", "--help").output
    for shown in ("SCENARIO", "PATH=VALUE", "GOAL=VALUE", "<table|json|csv|tsv>", "FILE"):
        assert shown in text
    for raw in ("<list[str]>", "{file}", "<path>", "╭"):
        assert raw not in text


def _lines(result) -> list[str]:
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    "args",
    [
        ["run", "quickstart"],
        ["limits"],
        ["compare", "zone-outage-lrs", "zone-outage-zrs", "--runs", "2"],
        ["scenarios", "list"],
        ["assumptions"],
        ["regions"],
        ["explain", "seed-120-vms-1-replica", "--vm", "100"],
    ],
)
def test_output_fits_80_columns_in_a_pipe_without_boxes(args):
    result = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    for line in _lines(result):
        assert len(line) <= 80, line
        assert not set(line) & set("┏┃━│└┘┌┐╭╮"), line


def test_run_tables_keep_words_and_versions_whole():
    out = runner.invoke(app, ["run", "quickstart"], env={"COLUMNS": "80"}).stdout
    for whole in ("Completed", "Standard_ZRS", "ubuntu-web/1.0.0", "busy peak"):
        assert whole in out


@pytest.mark.parametrize("command", [["limits"], ["run", "quickstart"], ["scenarios", "list"]])
def test_format_csv_and_tsv_give_one_header_and_rows(command):
    import csv
    import io

    for fmt, sep in (("csv", ","), ("tsv", "\t")):
        result = run(*command, "--format", fmt)
        assert result.exit_code == 0, result.output
        rows = list(csv.reader(io.StringIO(result.stdout), delimiter=sep))
        assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)


def test_json_is_an_alias_of_format_json():
    assert run("limits", "--json").stdout == run("limits", "-f", "json").stdout


def test_a_what_if_is_one_command_and_prices_both_sides():
    result = run("compare", "quickstart", "--set", "storage=Standard_LRS", "-k", "2", "--json")
    assert result.exit_code == 0, result.output
    cost = json.loads(result.stdout)["all"]["monthly_cost"]
    assert cost["b"] < cost["a"], "LRS snapshots cost less than ZRS"
    shown = run("compare", "quickstart", "--set", "storage=Standard_LRS", "-k", "2").stdout
    assert "quickstart with storage=Standard_LRS" in shown and "USD/month" in shown


def test_a_fault_on_the_command_line_acts_like_one_in_the_file():
    args = ["run", "zone-outage-zrs", "--set", "storage=Standard_LRS", "--json"]
    lrs = json.loads(run(*args).stdout)["overall"]["failed"]
    assert lrs > 0
    calm = ["run", "quickstart", "--set", "storage=Standard_LRS", "--set", "replicas=1"]
    outage = json.loads(run(*calm, "--fault", "zone:westeurope:1@0s+4h", "--json").stdout)
    assert outage["overall"]["failed"] == 40 and outage["faults"][0]["zone"] == 1


@pytest.mark.parametrize(
    "args, says",
    [
        (["run", "quickstart", "--set", "storage"], "--set 'storage': write PATH=VALUE"),
        (["run", "quickstart", "--set", "storage=Standard_XRS"], "--set storage=Standard_XRS:"),
        (["run", "quickstart", "--set", "nothing.here=1"], "unknown field 'nothing'"),
        (["plan", "quickstart", "--fault", "zone:westeurope@5m+1h"], "--fault 'zone:westeurope@"),
        (["compare", "quickstart", "--fault", "zone:westeurope:4@0s+1h"], "--fault: faults[0]"),
        (["compare", "quickstart"], "give B, or --set/--fault"),
        (["explain", "quickstart", "--vm", "999"], "--vm '999': this run has requests 1..60"),
    ],
)
def test_bad_what_ifs_exit_2_naming_the_option(args, says):
    result = run(*args)
    _no_traceback(result)
    assert result.exit_code == 2 and says in result.output, result.output


def test_plan_minus_o_still_means_objective_with_a_warning():
    result = run("plan", "quickstart", "-o", "p95=10m", "-k", "2", "--json")
    assert result.exit_code == 0 and "-o for --objective is deprecated" in result.stderr
    assert json.loads(result.stdout)["objectives"]["p95"] == "10m"


def test_quiet_keeps_stderr_for_errors_only():
    quiet = runner.invoke(app, ["-q", "plan", "quickstart", "-o", "p95=10m", "-k", "2", "--json"])
    assert "deprecated" not in quiet.stderr
    assert runner.invoke(app, ["-q", "run", "nowhere.yaml"]).exit_code == 2


def test_verbose_lists_the_assumptions_a_run_used():
    text = runner.invoke(app, ["--verbose", "run", "quickstart"]).stdout
    assert "Assumptions this run used:" in text and "replica_concurrency" in text


def test_runtime_errors_name_the_scenarios_own_image_tenant_and_subscription():
    text = run("run", "acquisition-cross-tenant").stdout
    assert "<image>" not in text and "<tenant>" not in text
    assert "failed in" in text and "contoso" in text.lower()


def test_explain_tells_a_queued_vm_its_place():
    text = runner.invoke(
        app, ["explain", "seed-120-vms-1-replica", "--vm", "100"], env={"COLUMNS": "200"}
    ).stdout
    assert "queued for replica 1" in text and "99 others waiting ahead" in text
    assert "20 of 20 slots busy" in text and "booted in" in text


def test_explain_tells_a_throttled_vm_its_429s():
    text = runner.invoke(app, ["explain", "put-vm-burst", "--vm", "1501"], env={"COLUMNS": "200"})
    assert "HTTP 429" in text.stdout and "Retry-After" in text.stdout


def test_scenarios_list_shows_the_point_and_check_verifies_answers():
    listed = json.loads(run("scenarios", "list", "--json").stdout)
    seed = next(r for r in listed if r["name"] == "seed-120-vms-1-replica")
    assert seed["lesson"].startswith("One replica serves only so many VMs at once")
    assert all(r["exercises"] >= 1 for r in listed), "every lesson has an exercise"
    checked = run("scenarios", "check", "zone-outage-lrs", "seed-120-vms-1-replica")
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.count("verified by running it") == 4


def test_a_wrong_answer_fails_the_check(monkeypatch):
    from acgsim.scenarios import exercises

    real = exercises.exercises

    def wrong(name=None):
        found = real(name)
        for ex in found:
            ex.checks = ["failed == 12345"]
        return found

    monkeypatch.setattr(exercises, "exercises", wrong)
    result = run("scenarios", "check", "quickstart")
    assert result.exit_code == 1 and "NOT borne out: failed == 12345: got 0" in result.stdout
