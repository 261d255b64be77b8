"""What `acgsim calibrate` shows: the fitted values with their intervals and support, what stayed
at its value, the rows set aside, and the fit check (quantile table, KS test, plot, warnings), as
console text and as a self-contained HTML page with a Markdown twin.
"""

from __future__ import annotations

import html
from pathlib import Path

from acgsim.reports import plots
from acgsim.reports.files import write_atomic
from acgsim.sim.calibrate.estimate import Calibration
from acgsim.sim.units import human_duration

FITTED = ["parameter", "value", "95% interval", "was", "observations", "from", "method"]
CHECK = ["operations", "quantile", "observed", "model"]


def _v(path: str, value: float) -> str:
    """A fitted value as people read it: durations with units, the rest as numbers."""
    name = path.rsplit(".", 1)[1]
    if name in ("mean", "base", "per_gb", "overhead", "min_retry_after"):
        return human_duration(value) if value >= 60 else f"{value:.3g}s"
    return f"{value:.3g}"


def fitted_rows(cal: Calibration) -> list[list[str]]:
    """One row per fitted value."""
    return [
        [
            e.path,
            _v(e.path, e.value),
            f"{_v(e.path, e.low)}..{_v(e.path, e.high)}",
            _v(e.path, e.default),
            str(e.count),
            e.support,
            e.method,
        ]
        for e in cal.estimates
    ]


def check_rows(cal: Calibration) -> list[list[str]]:
    """The quantile table: observed against the calibrated model, per kind of operation."""
    rows = []
    for c in cal.comparisons:
        for q, o, s in c.quantile_rows():
            rows.append([c.what, f"p{round(q * 100)}", human_duration(o), human_duration(s)])
        rows.append(
            [
                c.what,
                "KS D (p)",
                f"{c.ks:.3f} (p={c.p_value:.2g})",
                "reproduced" if c.reproduced else "NOT reproduced",
            ]
        )
    return rows


def text(cal: Calibration) -> str:
    """The console summary."""
    out = []
    if cal.estimates:
        out.append("Fitted (maximum likelihood, 95% intervals):")
        for r in fitted_rows(cal):
            out.append(f"  {r[0]:<28} {r[1]:>9}  [{r[2]}]  was {r[3]}; from {r[5]}")
    else:
        out.append("Nothing fitted: the files hold no observations that inform an assumption.")
    out.append("Left at their values:")
    out += [f"  {path} = {value}: {why}" for path, value, why in cal.kept]
    if cal.comparisons:
        out.append("Fit check (observed against the calibrated model):")
        for c in cal.comparisons:
            qs = ", ".join(
                f"p{round(q * 100)} {human_duration(o)}/{human_duration(s)}"
                for q, o, s in c.quantile_rows()
            )
            out.append(f"  {c.what}: KS D={c.ks:.3f} p={c.p_value:.2g}; observed/model {qs}")
    if cal.retry_gaps:
        gaps = sorted(cal.retry_gaps)
        spread = human_duration(gaps[0])
        if gaps[-1] != gaps[0]:
            spread += f" to {human_duration(gaps[-1])}"
        out.append(
            f"429s retried: {len(gaps)}, gap to the retry {spread} (Retry-After; the model "
            f"floors it at retry.min_retry_after, left at its value)"
        )
    out += cal.notes
    if cal.caveats:
        out.append("Used with a caveat:")
        out += [f"  {n:>6}  {why}" for why, n in sorted(cal.caveats.items())]
    if cal.ignored:
        out.append("Set aside:")
        out += [f"  {n:>6}  {why}" for why, n in sorted(cal.ignored.items())]
    return "\n".join(out) + "\n"


def _table(columns: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def write(cal: Calibration, out: Path, svg: bool = False) -> list[Path]:
    """calibration.html (plot embedded) and calibration.md in `out`, and the plot itself."""
    import base64

    from acgsim.reports.markup import md_table
    from acgsim.reports.report_page import STYLE

    out.mkdir(parents=True, exist_ok=True)
    written = plots.save(plots.calibration_fit(cal.comparisons), out / "calibration-fit", svg)
    png = base64.b64encode(written[0].read_bytes()).decode()
    warnings = "".join(f"<p><strong>warning:</strong> {html.escape(w)}</p>" for w in cal.warnings)
    kept = [[p, v, why] for p, v, why in cal.kept]
    ignored = [[str(n), why] for why, n in sorted(cal.ignored.items())]
    ignored += [[str(n), f"used: {why}"] for why, n in sorted(cal.caveats.items())]
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>calibration'
        f"</title><style>{STYLE}</style></head><body><h1>Calibration</h1>{warnings}"
        f"<h2>Fitted</h2>{_table(FITTED, fitted_rows(cal))}"
        f"<h2>Left at their values</h2>{_table(['parameter', 'value', 'why'], kept)}"
        f"<h2>Fit check</h2>{_table(CHECK, check_rows(cal))}"
        f'<img alt="observed against the model" src="data:image/png;base64,{png}">'
        f"<h2>Set aside</h2>{_table(['rows', 'why'], ignored)}"
        + "".join(f'<p class="note">{html.escape(n)}</p>' for n in cal.notes)
        + "</body></html>\n"
    )
    md = "# Calibration\n\n" + "".join(f"**warning:** {w}\n\n" for w in cal.warnings)
    md += "## Fitted\n\n" + md_table(FITTED, fitted_rows(cal))
    md += "\n## Left at their values\n\n" + md_table(["parameter", "value", "why"], kept)
    md += "\n## Fit check\n\n" + md_table(CHECK, check_rows(cal))
    md += "\n## Set aside\n\n" + md_table(["rows", "why"], ignored)
    write_atomic(out / "calibration.html", page, force=True)
    write_atomic(out / "calibration.md", md, force=True)
    return [out / "calibration.html", out / "calibration.md", *written]
