"""Figures and reports: PNGs that decode and are not blank; HTML with every section, every image
embedded, well-formed; the Markdown key table; headless Chromium shows no broken image."""

from __future__ import annotations

import html.parser
import shutil
import struct
import subprocess

import matplotlib.image as mpimg
import pytest

from acgsim.planner.deployed import Deployed
from acgsim.planner.diff import diff
from acgsim.planner.export import arm, document
from acgsim.planner.search import plan
from acgsim.reports import diff as shown
from acgsim.reports import html as html_report
from acgsim.reports import plots, tables
from acgsim.sim.engine import simulate
from acgsim.sim.loader import load

from ..helpers import SCENARIOS, build
from ..planner.test_cost import EUR
from ..sim.engine_cases import one_region

SECTIONS = ["scenario", "key-figures", "plots", "plan", "assumptions", "exports", "sources"]
RUN_SECTIONS = [*SECTIONS[:2], "timeline", *SECTIONS[2:]]


@pytest.fixture(scope="module")
def run_result():
    return simulate(load(SCENARIOS / "zone-outage-lrs.yaml"))


@pytest.fixture(scope="module")
def a_plan():
    data = one_region(count=20, at="1000s")
    data["model"]["replica_concurrency"] = 1
    data["objectives"] = {"p95": "71s"}
    return plan(build(data), runs=2)


def _png_pixels(path) -> tuple[int, int, float]:
    """Width, height and the share of pixels that are not white, of a PNG (decoded)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    pixels = mpimg.imread(path)  # decodes, or raises
    assert pixels.shape[:2] == (height, width)
    inked = (pixels[:, :, :3].min(axis=2) < 0.95).mean()
    return width, height, float(inked)


@pytest.mark.parametrize("name", ["ttr_cdf", "over_time", "replication_gantt"])
def test_run_figures(run_result, tmp_path, name):
    fig = getattr(plots, name)(run_result)
    [png] = plots.save(fig, tmp_path / name)
    width, height, inked = _png_pixels(png)
    assert width >= 600 and height >= 250
    assert inked > 0.03  # lines, bars and text: not a blank canvas with a title


@pytest.mark.parametrize("name", ["plan_tradeoff", "plan_cost"])
def test_plan_figures(a_plan, tmp_path, name):
    [png, svg] = plots.save(getattr(plots, name)(a_plan), tmp_path / name, svg=True)
    assert _png_pixels(png)[2] > 0.03 and svg.read_text().lstrip().startswith("<?xml")


def test_figures_carry_titles_units_and_the_objective(run_result):
    fig = plots.ttr_cdf(run_result, objective_s=600)
    ax = fig.axes[0]
    assert "time from request to running" in fig.get_suptitle() and "minutes" in ax.get_xlabel()
    assert any("objective" in t.get_text() for t in fig.legends[0].get_texts())
    fig = plots.over_time(run_result)
    assert len(fig.axes[0].patches) >= 1  # the zone outage is shaded


class _Checker(html.parser.HTMLParser):
    VOID = {"meta", "img", "br", "hr", "input", "link"}

    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.images, self.errors = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.ids.append(attrs["id"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def _check_html(path, sections=SECTIONS) -> _Checker:
    checker = _Checker()
    text = path.read_text(encoding="utf-8")
    checker.feed(text)
    assert checker.errors == [] and checker.stack == []  # well-formed: every tag closed in order
    assert checker.ids == sections
    assert checker.images and all(
        src.startswith("data:image/png;base64,") for src in checker.images
    )
    # the timeline's inline script is the only one; addresses only in the bibliography
    assert text.count("<script>") == ("timeline" in sections)
    before = text.split("<details>")[0].split('<section id="sources">')[0]
    assert "http:" not in before and "https:" not in before.replace("https://schema.management", "")
    return checker


def test_run_report(run_result, tmp_path):
    written = html_report.run_report(run_result, tmp_path, objective_s=600)
    assert (tmp_path / "report.html") in written and (tmp_path / "report.md") in written
    assert len(_check_html(tmp_path / "report.html", RUN_SECTIONS).images) == 3
    md = (tmp_path / "report.md").read_text()
    assert "| region | requests | running | failed | p50 | p95 | p95 all | p99 |" in md
    assert "| westeurope | 300 |" in md
    # the assumptions it ran with, and the sources they cite, by title and address
    assert "| boot.dist | lognormal |" in md and "Sources:" in md
    assert "- \\[ACG\\] azure-compute-docs" in md and ": https://learn.microsoft.com/azure/" in md
    assert "AZURE_FACTS" not in md and "AZURE_FACTS" not in (tmp_path / "report.html").read_text()


def test_plan_report(a_plan, tmp_path):
    template = arm.render(document.from_plan(a_plan))
    html_report.plan_report(a_plan, tmp_path, exports={"template.json": template})
    checker = _check_html(tmp_path / "report.html")
    assert len(checker.images) == 2
    text = (tmp_path / "report.html").read_text()
    assert "raised from 1 to 10" in text and "template.json" in text
    assert html.escape(template) in text
    md = (tmp_path / "report.md").read_text()
    # the one objective every region shares is named once, in the title
    assert "| web/1.0.0 | westeurope | 1 -\\> 10 | ZRS | 1m11s | 0.0% | 0.62 |" in md
    assert "misses the objective 1m11s" in md


def test_currency_labels_follow_the_price_table(tmp_path, capsys, monkeypatch):
    data = one_region(count=20, at="1000s")
    data["prices"] = EUR
    data["objectives"] = {"monthly_budget_usd": 0.01}  # in the table's currency: over it
    p = plan(build(data), runs=2)
    assert p.prices.currency == "EUR" and "EUR" in p.to_json()
    monkeypatch.setenv("COLUMNS", "200")
    tables.print_plan(p)
    shown.print_diff(diff(p, Deployed("nothing.json", "az sig image-version output", {})))
    printed = capsys.readouterr()
    assert "EUR/month" in printed.out and "0.06 EUR a month" in printed.out
    assert "+ region westeurope: 1 replica Standard_ZRS (web 1.0.0) +0.06 EUR/month" in printed.out
    assert "the plan costs 0.06 EUR a month, over the budget of 0.01" in printed.err
    html_report.plan_report(p, tmp_path, exports={})
    page, md = (tmp_path / "report.html").read_text(), (tmp_path / "report.md").read_text()
    assert "EUR/month" in page and "EUR a month" in page and "EUR/month" in md
    figure = plots.plan_cost(p)
    assert figure.axes[0].get_ylabel() == "EUR per month"
    plots.save(figure, tmp_path / "cost")  # and closes it
    assert "USD" not in printed.out + printed.err + page + md


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed")
def test_chromium_renders_every_image(run_result, tmp_path):  # pragma: no cover - needs Chromium
    html_report.run_report(run_result, tmp_path)
    page = tmp_path / "report.html"
    probe = tmp_path / "probe.html"
    probe.write_text(
        page.read_text().replace(
            "</body>",
            "<script>window.onload=()=>{document.title=[...document.images].filter("
            "i=>!(i.complete&&i.naturalWidth>0)).length+' broken'}</script></body>",
        )
    )
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'u'}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "<title>0 broken</title>" in dom


def test_a_blank_canvas_fails_the_ink_check(tmp_path):
    fig = plots.plt.figure(figsize=(8, 5))
    fig.suptitle("only a title")
    [png] = plots.save(fig, tmp_path / "blank")
    assert _png_pixels(png)[2] < 0.03


def test_figures_draw_data_and_say_when_there_is_none(run_result):
    fig = plots.over_time(run_result)
    assert all(ax.lines for ax in fig.axes)
    fig = plots.ttr_cdf(run_result)
    [line] = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("westeurope")]
    assert line.get_ydata()[-1] < 0.2  # most requests failed: the curve stops low
    empty = simulate(build(one_region(count=1, at="100s")))  # before replication: none runs
    texts = [t.get_text() for t in plots.ttr_cdf(empty).axes[0].texts]
    assert texts == ["no VM reached running"]


def test_many_regions_get_distinct_styles():
    styles = {(plots._style(i)["color"], plots._style(i)["ls"]) for i in range(21)}
    assert len(styles) == 21 and "#F0E442" not in {c for c, _ in styles}
