"""Reports of a plan or run someone else wrote: its text is shown, never run as HTML or
Markdown (raw HTML, links, entities, code spans, table breaks)."""

from __future__ import annotations

import copy
import json
import re

import pytest

from acgsim.planner.plan import load_plan
from acgsim.reports import html, markup

MARKUP = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:alert(1)) &amp; `x` |"
)


def test_a_plans_text_is_shown_not_run(plan_data, tmp_path):
    markdown_it = pytest.importorskip("markdown_it")
    data = copy.deepcopy(plan_data)
    data["regions"][0]["reasons"] = [MARKUP]
    data["warnings"] = [MARKUP]
    data["infeasible"] = [MARKUP, "# a heading", "1. a list"]
    data["prices"]["source"] = MARKUP
    data["prices"]["notes"] = [MARKUP]
    data["waves"][0]["wave"] = MARKUP
    data["regions"][1]["bottleneck"] = {
        "part": "boot",
        "wave": MARKUP,
        "share": 0.5,
        "replicas_help": False,
        "text": MARKUP,
        "levers": [MARKUP, "# a heading"],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    plan = load_plan(path)
    html.plan_report(plan, tmp_path / "report", exports={"x<y>.json": MARKUP})
    page = (tmp_path / "report" / "report.html").read_text()
    assert "<script" not in page and "<img src=x" not in page and "javascript:alert" in page
    md = (tmp_path / "report" / "report.md").read_text()
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(md)
    assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
    assert "<code>" not in rendered
    headings = re.findall(r"<h\d>([^<]*)</h\d>", rendered)  # the report's own, none from the plan
    assert headings == ["acgsim plan: base", "Waves", "What sets p95"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # the text, shown
    assert "1. a list" in rendered  # not an ordered list


def test_markdown_escapes_keep_ordinary_figures_readable():
    assert markup.md("Standard_LRS") == "Standard_LRS"
    assert markup.md("gal/web-x/1.0.0") == "gal/web-x/1.0.0"
    assert markup.md("a|b\nc") == "a\\|b c"
    assert markup.md_item("- not a list") == "\\- not a list"
