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

if TYPE_CHECKING:  # imported when used: the CLI refuses a clobbered file before loading the model
    from acgsim.sim.results import RunResult


def check_target(path: Path, force: bool) -> None:
    """Refuse, before any work is done, a file that exists (unless forced) or a folder that is not
    one; FileExistsError says why."""
    for parent in [path.parent, *path.parent.parents]:
        if parent.exists():
            if not parent.is_dir():
                raise FileExistsError(f"{parent}: is a file, not a folder to write into")
            break
    if path.exists() and not force:
        raise FileExistsError(f"{path}: exists; pass --force to overwrite it")


def write_atomic(path: Path, text: str, force: bool) -> None:
    """Write via a temporary file and a rename, refusing to overwrite unless forced."""
    check_target(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_results(out_dir: Path, results: list[RunResult], force: bool) -> None:
    from acgsim.sim.stats import aggregate

    if len(results) == 1:
        files = {"result.json": results[0].to_json()}
        if results[0].records is not None:
            files["records.csv"] = csv_text(results[0].records)
    else:
        files = {f"result-{r.run}.json": r.to_json() for r in results}
        files["summary.json"] = json.dumps(aggregate(results), indent=2) + "\n"
        for r in results:
            if r.records is not None:
                files[f"records-{r.run}.csv"] = csv_text(r.records)
    clash = [n for n in files if (out_dir / n).exists()]
    if clash and not force:
        raise FileExistsError(f"{out_dir / clash[0]}: exists; pass --force to overwrite it")
    for name, text in files.items():
        write_atomic(out_dir / name, text, force=True)


def write_plan(out_dir: Path, plan, exports: dict[str, str], force: bool) -> None:
    """plan.json and the exports asked for (file name -> text) into OUT_DIR."""
    write_atomic(out_dir / "plan.json", plan.to_json(), force)
    for name, text in exports.items():
        write_atomic(out_dir / name, text, force)


def csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["id"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
