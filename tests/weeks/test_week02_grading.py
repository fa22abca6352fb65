"""Week 2 grading correctness: reference full marks, template zero, every mutant loses points."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from autograder.engine import Limits, grade_notebook
from autograder.casekit.proof import with_definitions
from autograder.notebooks import with_functions
from testkit.variants import alternatives, expected_hints, hints_of, mutants

MUTANTS, ALTERNATIVES, HINTS = mutants("week02"), alternatives("week02"), expected_hints("week02")

LIMITS = Limits(wall_s=120, case_timeout_s=5)


def test_build_self_check_and_outputs(built):
    r = built.result
    assert r.reference.score == r.reference.max_score == 20
    assert r.blank.score == 0
    assert r.autograder_zip.is_file() and r.template.is_file()
    template_text = r.template.read_text(encoding="utf-8")
    assert "amax" not in template_text  # solutions stripped
    assert "otter_check" not in template_text and "mixed_extremes" not in template_text  # no hidden tests
    public = {p.name for p in (r.template_dir / "tests").glob("*.py")}
    assert "softmax.py" in public
    assert all("hidden" not in (r.template_dir / "tests" / n).read_text() or "'hidden': False" in
               (r.template_dir / "tests" / n).read_text() for n in public)


def test_cuda_cases_are_skipped_and_reported_without_a_gpu(built):
    import torch

    statuses = {c.case_id: c.status for c in built.result.reference.cases}
    expected = "passed" if torch.cuda.is_available() else "skipped"
    assert statuses["softmax/cuda"] == expected and statuses["cross_entropy/cuda"] == expected


def _grade(built, tmp_path, name, sources, runner=None):
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(with_definitions(built.solution, sources), str(path))
    return name, grade_notebook(path, built.cases, LIMITS, runner=runner)


def test_every_mutant_loses_points_on_the_case_that_names_its_bug(built, tmp_path, warm_runner):
    """... and gets the catalogue's hint for its mistake; correct alternatives (and the
    reference) keep full marks and get no hint at all."""
    assert len(MUTANTS) >= 10
    runner = warm_runner(LIMITS)
    variants = {**{k: m.changes for k, m in MUTANTS.items()}, **ALTERNATIVES}
    with ThreadPoolExecutor(2) as pool:
        graded = dict(pool.map(lambda kv: _grade(built, tmp_path, kv[0], kv[1], runner), variants.items()))
    for name, mutant in MUTANTS.items():
        case_id = mutant.case
        result = graded[name]
        assert result.infra_error is None, name
        assert result.score < 20, f"{name} kept full marks"
        by_id = {c.case_id: c for c in result.cases}
        assert by_id[case_id].status != "passed", f"{name}: {case_id} should fail"
        if name in HINTS:
            assert HINTS[name] in hints_of(result), (name, hints_of(result))
    for name in ALTERNATIVES:
        assert graded[name].score == 20 and not hints_of(graded[name]), (name, hints_of(graded[name]))
    assert not hints_of(built.result.reference)


def test_forbidden_call_is_named_in_feedback(built, tmp_path):
    _, result = _grade(built, tmp_path, "lib", MUTANTS["ce_library"].changes)
    case = next(c for c in result.cases if c.case_id == "cross_entropy/mean")
    assert case.status == "forbidden" and "cross_entropy" in case.message
    # other functions are still graded normally
    assert next(c for c in result.cases if c.case_id == "softmax/values").status == "passed"


def test_failure_message_names_the_configuration(built, tmp_path):
    _, result = _grade(built, tmp_path, "dim", MUTANTS["softmax_ignores_dim"].changes)
    case = next(c for c in result.cases if c.case_id == "softmax/values")
    assert "dim=0" in case.message and "seed=" in case.message


def test_a_cell_that_raises_does_not_stop_later_functions(built, tmp_path):
    nb = with_functions(built.solution, {"log_softmax": "raise RuntimeError('oops')\ndef log_softmax(x, dim=-1):\n    pass"})
    path = tmp_path / "raises.ipynb"
    nbformat.write(nb, str(path))
    result = grade_notebook(path, built.cases, LIMITS)
    by_fn = {}
    for c in result.cases:
        by_fn.setdefault(c.case_id.split("/")[0], []).append(c.points)
    assert sum(by_fn["log_softmax"]) == 0
    assert sum(by_fn["bernoulli_nll"]) == 1.5 and sum(by_fn["softmax"]) == 4
    assert any(cell["status"] == "error" for cell in result.cells)


def test_unreadable_notebook_is_a_user_error_naming_the_file(built, tmp_path):
    from autograder.errors import UserError

    bad = tmp_path / "2주차 과제_19기 박세훈.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError) as err:
        grade_notebook(bad, built.cases, LIMITS)
    assert "박세훈" in err.value.render() and "Jupyter" in err.value.render()
