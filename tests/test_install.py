"""acgsim as a user installs it: the console script from another folder, a built wheel in a fresh
virtual environment, and a start-up that does not load the model to print the version or help.

pytest puts the checkout on sys.path, which hid a `cli` package from python-hcl2 shadowing the old
top-level cli.py; these tests run the installed `acgsim` in a subprocess from a temporary folder,
with no PYTHONPATH, so they see what a user's shell sees.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from acgsim import scenarios

from .helpers import ROOT, SCENARIOS

# The model's own imports and acgsim's pydantic models; Typer itself imports the pydantic library
# once a command's options are built (`acgsim run --help`), so only the top level is held to that.
HEAVY = ["numpy", "simpy", "matplotlib", "dask", "yaml", "acgsim.sim.scenario", "acgsim.planner"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["COLUMNS"] = "200"
    return env


def _script(bin_dir: Path) -> Path:
    script = bin_dir / ("acgsim.exe" if os.name == "nt" else "acgsim")
    if not script.exists():
        pytest.skip(f"the acgsim console script is not installed in {bin_dir} (pip install -e .)")
    return script


def _run(args: list, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=300
    )


def test_console_script_works_outside_the_checkout(tmp_path):
    acgsim = _script(Path(sysconfig.get_path("scripts")))
    version = _run([acgsim, "--version"], tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("acgsim ")
    listed = _run([acgsim, "scenarios", "list", "--json"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert [r["name"] for r in json.loads(listed.stdout)] == scenarios.names()
    ran = _run([acgsim, "run", "quickstart", "--json"], tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["scenario"] == "quickstart"


def test_bundled_scenarios_are_the_files_in_scenarios():
    assert scenarios.names() == sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
    assert len(scenarios.names()) >= 10


@pytest.mark.parametrize(
    "args, heavy",
    [
        (["--version"], [*HEAVY, "pydantic", "typer"]),
        (["--help"], [*HEAVY, "pydantic"]),
        (["run", "--help"], HEAVY),
        (["plan", "--help"], HEAVY),
        (
            ["validate", str(SCENARIOS / "quickstart.yaml")],
            ["numpy", "simpy", "matplotlib", "acgsim.planner"],
        ),
        (["limits"], HEAVY),
        (["serve", "--help"], [*HEAVY, "starlette", "uvicorn", "cryptography"]),
    ],
)
def test_start_up_loads_no_model(args, heavy, tmp_path):
    """--version and --help answer without numpy, SimPy, acgsim's models, matplotlib or Dask."""
    code = (
        "import sys\n"
        f"sys.argv = ['acgsim', *{args!r}]\n"
        "from acgsim.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    out = _run([sys.executable, "-c", code], tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "LOADED []"


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_fresh_venv(tmp_path):
    """The wheel carries every package and the bundled scenarios; its script works from anywhere."""
    dist, source = tmp_path / "dist", tmp_path / "source"
    # setuptools builds in the source tree (build/, *.egg-info): build from a copy of it
    junk = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".*cache")
    shutil.copytree(ROOT, source, ignore=junk)
    pip = [sys.executable, "-m", "pip"]
    built = _run([*pip, "wheel", "--no-deps", "-q", "-w", dist, source], tmp_path)
    assert built.returncode == 0, built.stderr
    wheel = next(dist.glob("acgsim-*.whl"))
    fresh = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(fresh)
    fresh_site = Path(
        sysconfig.get_path("purelib", vars={"base": str(fresh), "platbase": str(fresh)})
    )
    # The dependencies come from this environment (no network); acgsim itself only from the
    # wheel: a .pth in a directory added by another .pth is not processed, so this
    # environment's editable install of acgsim stays out.
    (fresh_site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    bin_dir = fresh / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    installed = _run(
        [*pip, "--python", python, "install", "--no-deps", "-q", wheel],
        tmp_path,
    )
    assert installed.returncode == 0, installed.stderr
    where = _run([python, "-c", "import acgsim; print(acgsim.__file__)"], tmp_path)
    assert str(fresh) in where.stdout, where.stdout + where.stderr
    acgsim = _script(bin_dir)
    listed = _run([acgsim, "scenarios", "list", "--json"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert [r["name"] for r in json.loads(listed.stdout)] == scenarios.names()
    ran = _run([acgsim, "run", "quickstart"], tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "quickstart" in ran.stdout
    for generic in ["cli", "sim", "planner", "reports", "tests"]:
        assert not (fresh_site / generic).exists(), f"the wheel installs a top-level '{generic}'"
