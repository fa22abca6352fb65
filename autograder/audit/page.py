"""The audit as a page beside the report (``audit_weekNN.html``) and a CSV of every mutant."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from autograder.audit.api import AuditReport
from autograder.pages import html_env
from autograder.sheets import write_csv


def write_audit(report: AuditReport, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"function": r.mutant.function, "operator": r.mutant.operator, "line": r.mutant.line,
             "status": r.status, "points_lost": r.lost, "failed_cases": " ".join(r.failed), "hints": " ".join(r.hints), "diff": r.mutant.diff}
            for r in report.results]
    csv = folder / f"audit_{report.assignment}.csv"
    write_csv(pd.DataFrame(rows, columns=["function", "operator", "line", "status", "points_lost", "failed_cases",
                                          "hints", "diff"]), csv)
    env = html_env("autograder.audit")
    functions = [{"name": name, **row, "score": report.score(row["killed"], row["survived"])}
                 for name, row in sorted(report.by_function().items())]
    total = report.total
    html = folder / f"audit_{report.assignment}.html"
    html.write_text(env.get_template("audit.html.j2").render(
        assignment=report.assignment, functions=functions, total=total,
        score=report.score(total["killed"], total["survived"]), strict=report.strict_score, seconds=report.seconds,
        survivors=[r for r in report.results if r.status == "survived"],
        equivalent=[r for r in report.results if r.status == "equivalent-suspect"]), encoding="utf-8")
    return html, csv
