"""`make spec-report` turns a Gherkin run into HTML that names its features, scenarios and steps.

The pipeline runs for real on one small feature folder (messaging): pytest-bdd's cucumber
JSON, then the report generator. A second check feeds the generator a run with a failed
step, to prove a product owner sees the failure.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FEATURE = "Email delivery"
SCENARIO = "An email waits while the mail service is down and goes out once it is back"
STEP = "the mail service is down"
# How the generator marks a step's result (its tooltip), pinned by the lockfile's version.
STEP_PASSED = 'title="Step passed"'
STEP_FAILED = 'title="Step failed"'


def feature_pages(report: Path) -> str:
    """The text of every per-feature page of a report."""
    pages = sorted((report / "features").glob("*.html"))
    assert pages, f"no feature pages in {report}"
    return "\n".join(p.read_text(encoding="utf-8") for p in pages)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report `make spec-report` writes for the messaging specs."""
    out = tmp_path_factory.mktemp("spec-report")
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "spec-report",
            f"SPEC_REPORT_DIR={out}",
            "SPEC_PATHS=tests/bdd/messaging",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_the_report_names_the_feature_its_scenarios_and_steps(report: Path) -> None:
    """The overview lists the feature; its page shows each scenario and step, passed."""
    assert FEATURE in (report / "index.html").read_text(encoding="utf-8")
    page = feature_pages(report)
    assert SCENARIO in page
    assert STEP in page
    assert STEP_PASSED in page
    assert STEP_FAILED not in page
    cucumber = json.loads((report / "json" / "cucumber.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in cucumber] == [FEATURE]


def test_the_report_shows_a_failed_step(report: Path, tmp_path: Path) -> None:
    """The same run with one step failed is reported as failed, with its error."""
    cucumber = json.loads((report / "json" / "cucumber.json").read_text(encoding="utf-8"))
    step = cucumber[0]["elements"][0]["steps"][0]
    step["result"] = {"status": "failed", "duration": 1, "error_message": "mail was lost"}
    (tmp_path / "json").mkdir()
    (tmp_path / "json" / "cucumber.json").write_text(json.dumps(cucumber), encoding="utf-8")
    out = tmp_path / "html"
    tool = ROOT / "var" / "spec-report-tool" / "node_modules"
    subprocess.run(
        ["node", "tests/bdd/report/generate.js", str(tmp_path / "json"), str(out)],
        cwd=ROOT,
        env={**os.environ, "NODE_PATH": str(tool)},
        capture_output=True,
        check=True,
        timeout=120,
    )
    page = feature_pages(out)
    assert STEP_FAILED in page
    assert "mail was lost" in page
