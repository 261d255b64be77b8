"""Files the command line writes: atomically (temporary file, then rename), never over existing
work unless forced."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from acgsim.sim.errors import InputError

if TYPE_CHECKING:  # imported when used: the CLI refuses a clobbered file before loading the model
    from acgsim.sim.results import RunResult


def check_target(path: Path, force: bool) -> None:
    """Refuse, before any work is done, a file that exists (unless forced), anything that is not
    a regular file (a device, a FIFO, a folder: never replaced, even forced), or a parent that is
    not a folder; InputError says why."""
    try:
        _check_target(path, force)
    except OSError as exc:  # a name the file system refuses outright (too long)
        raise InputError(f"{path}: cannot be written: {exc.strerror or exc}") from None


def _check_target(path: Path, force: bool) -> None:
    for parent in [path.parent, *path.parent.parents]:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"{parent}: is a file, not a folder to write into")
            break
    if path.is_symlink() or path.exists():
        if path.is_dir():
            raise InputError(f"{path}: is a folder; give a file name to write")
        if not path.is_file():
            raise InputError(f"{path}: is not a regular file; acgsim replaces only files")
        if not force:
            raise InputError(f"{path}: exists; pass --force to overwrite it")


def check_targets(paths: list[Path], force: bool) -> None:
    """check_target for every file a command will write, before it writes any."""
    for path in paths:
        check_target(path, force)


def check_outputs(out_dir: Path, names: list[str], force: bool, report: bool = False) -> None:
    """Every file a command will write into OUT_DIR, and its report folder, before any work."""
    check_targets([out_dir / n for n in names], force)
    if report:
        check_folder(out_dir / "report", force, "a report")


def check_folder(folder: Path, force: bool, what: str) -> None:
    """A folder a command fills with files whose names it knows only later (a report's plots):
    it must be new or empty, unless forced."""
    check_target(folder / "_", force=True)  # the parents are folders
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: is a file, not a folder for {what}")
    if not force and folder.is_dir() and any(folder.iterdir()):
        raise InputError(
            f"{folder}: holds files already; {what} goes into a new or empty folder "
            "(pass --force to replace what it writes there)"
        )


def write_atomic(path: Path, data: str | bytes, force: bool) -> None:
    """Write via a temporary file and a rename (a kill leaves the old file or the new one, never
    half of one), refusing to overwrite unless forced; a replaced file keeps its mode. A file
    system that refuses (read-only, full, no permission) raises InputError naming the file."""
    check_target(path, force)
    tmp = None
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, mode)  # mkstemp makes 0600
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write it: {exc.strerror or exc}") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def result_files(runs: int, trace: bool) -> list[str]:
    """The names `acgsim run --out` writes for RUNS runs (one run: result.json)."""
    if runs == 1:
        return ["result.json", *(["records.csv"] if trace else [])]
    names = [f"result-{i}.json" for i in range(runs)] + ["summary.json"]
    return names + ([f"records-{i}.csv" for i in range(runs)] if trace else [])


def write_results(out_dir: Path, results: list[RunResult], force: bool) -> None:
    """Every run's result (and records with --trace), and the summary of several runs."""
    from acgsim.sim.stats import aggregate

    traced = results[0].records is not None
    names = result_files(len(results), traced)
    check_targets([out_dir / n for n in names], force)
    if len(results) == 1:
        texts = [results[0].to_json()] + ([csv_text(results[0].records)] if traced else [])
    else:
        texts = [r.to_json() for r in results]
        texts.append(json.dumps(aggregate(results), indent=2) + "\n")
        texts += [csv_text(r.records) for r in results] if traced else []
    for name, text in zip(names, texts, strict=True):
        write_atomic(out_dir / name, text, force=True)


def write_all(texts: dict[str, str], force: bool) -> list[str]:
    """Files (path -> text) that belong together, such as an export and its parameters file:
    every target is checked before any is written, each is written atomically; their paths."""
    check_targets([Path(p) for p in texts], force)
    for path, text in texts.items():
        write_atomic(Path(path), text, force)
    return list(texts)


def write_plan(out_dir: Path, plan, exports: dict[str, str], force: bool) -> None:
    """plan.json and the exports asked for (file name -> text) into OUT_DIR."""
    check_targets([out_dir / n for n in ["plan.json", *exports]], force)
    write_atomic(out_dir / "plan.json", plan.to_json(), force)
    for name, text in exports.items():
        write_atomic(out_dir / name, text, force)


def csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["id"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
