"""Inside the sandbox: run otter's public doctest-style tests against the executed notebook
(for ``autograder check``, a student's own local check — never a grade)."""

from __future__ import annotations

import doctest
import io
import json
import os
import signal
import time
from pathlib import Path

from autograder import protocol
from autograder.inside.forbidden import Detector, arm_dispatch
from autograder.inside.probe import Alarm, CaseTimeout
from autograder.protocol.calls import ForbiddenSpec


def run_public_test(test: dict, namespace: dict, timeout: float | None) -> dict:
    """{"name", "attempted", "failed", "report"} for one test's doctest code, under the question's
    forbidden-call rule when the template ships it (tests/forbidden.json): a public test that passes
    with a forbidden call would be a false green light, since grading gives that question 0."""
    parser = doctest.DocTestParser()
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    attempted = failed = 0
    spec = ForbiddenSpec.from_json(test.get("forbidden") or {})
    arm_dispatch(spec)
    detector = Detector(spec)
    try:
        with Alarm(timeout), detector:
            for k, code in enumerate(test["cases"]):
                case = parser.get_doctest(code, dict(namespace), f"{test['name']}[{k}]", None, 0)
                result = runner.run(case, out=out.write, clear_globs=True)
                attempted += result.attempted
                failed += result.failed
    except CaseTimeout as exc:
        failed += 1
        out.write(f"{exc}\n")
    if detector.hits:
        named = ", ".join(detector.hits[:3])
        failed += 1
        out.write(f"금지된 API 사용: {named} — 채점에서 이 문항은 0점입니다. 직접 구현하세요.\n"
                  f"Uses a forbidden API: {named} — grading gives this question 0. Implement it yourself.\n")
    return {"name": test["name"], "attempted": attempted, "failed": failed, "report": out.getvalue()[-4000:]}


def run_public_tests(tests: list[dict], namespace: dict, out_dir: Path, timeout: float | None) -> None:
    """Each test in a fork of the executed notebook (a test that crashes loses only itself)."""
    for j, test in enumerate(tests):
        pid = os.fork()
        if pid == 0:
            try:
                result = run_public_test(test, namespace, timeout)
                with open(out_dir / protocol.public_result(j), "x", encoding="utf-8") as f:
                    f.write(json.dumps(result))
            finally:
                os._exit(0)
        deadline = time.monotonic() + (timeout or 60.0) + 5.0
        while os.waitpid(pid, os.WNOHANG)[0] == 0:
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.005)
