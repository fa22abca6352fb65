"""``autograder check``: a student's notebook against the public tests, in the grading sandbox."""

from __future__ import annotations

import nbformat
from typer.testing import CliRunner

from autograder.cli import app
from autograder.engine import Limits
from autograder.engine.public_check import check_notebook, load_public_tests
from autograder.notebooks import with_functions


def _tests(built):
    return built.cfg.path(built.cfg.build.templates) / "week02" / "tests"


def test_reference_passes_every_public_test_and_the_template_none(built):
    tests = load_public_tests(_tests(built))
    assert {t["name"] for t in tests} >= {"softmax", "cross_entropy", "mse_loss"}
    good, _ = check_notebook(built.result.solution, tests, Limits(wall_s=120))
    assert all(r.passed for r in good), [(r.name, r.detail[:200]) for r in good if not r.passed]
    blank, _ = check_notebook(built.result.template, tests, Limits(wall_s=120))
    assert not any(r.passed for r in blank)


def test_cli_reports_the_failing_test_and_exits_1(built, tmp_path):
    wrong = with_functions(built.solution, {"mse_loss": "def mse_loss(pred, target, reduction='mean'):\n"
                                                        "    return ((pred - target) ** 2).sum()\n"})
    path = tmp_path / "2주차 과제_19기 박세훈.ipynb"
    nbformat.write(wrong, str(path))
    result = CliRunner().invoke(app, ["check", str(path), "--tests", str(_tests(built)),
                                      "-c", str(tmp_path / "none.yml")])
    text = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert "mse_loss" in text and "6/7 public tests passed" in text and "Failed example" in text
    assert "공개 테스트 6/7개 통과" in text


def test_a_function_not_written_yet_is_said_plainly_without_a_traceback(built, tmp_path):
    """The template's functions return None: the student reads that, not doctest's traceback."""
    path = tmp_path / "2주차 과제_19기 박세훈.ipynb"
    nbformat.write(built.template, str(path))
    result = CliRunner().invoke(app, ["check", str(path), "--tests", str(_tests(built)),
                                      "-c", str(tmp_path / "none.yml")], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "아직 구현하지 않았거나" in result.output and "not implemented yet" in result.output
    assert "Traceback" not in result.output and "doctest.py" not in result.output
    assert "AttributeError: 'NoneType' object has no attribute" in result.output  # the error's last line stays


def test_a_doctest_report_keeps_expected_and_got():
    from autograder.engine.public_report import explain

    report = ("*" * 70 + "\nLine 3, in f\nFailed example:\n    f(2)\nExpected:\n    4\nGot:\n    5\n")
    text = explain(report)
    assert "Failed example: f(2)" in text and "Expected: 4" in text and "Got: 5" in text
    assert "not implemented" not in text  # 5 is an answer, a wrong one
    assert explain("금지된 API 사용 …") == "금지된 API 사용 …"  # not a doctest report: as it is


def test_missing_tests_folder_is_a_clear_error(built, tmp_path):
    result = CliRunner().invoke(app, ["check", str(built.result.solution), "--tests", str(tmp_path),
                                      "-c", str(tmp_path / "none.yml")])
    assert result.exit_code == 2 and "no public tests found" in " ".join(result.output.split())


def test_a_forbidden_call_fails_its_public_test_as_grading_would(built, tmp_path):
    """`check` once said 'passed' for a softmax that calls torch.softmax, which grading gives 0."""
    cheat = with_functions(built.solution, {"softmax": "def softmax(logits, dim=-1):\n"
                                                      "    return torch.softmax(logits, dim=dim)\n"})
    path = tmp_path / "2주차 과제_19기 박세훈.ipynb"
    nbformat.write(cheat, str(path))
    results, _ = check_notebook(path, load_public_tests(_tests(built)), Limits(wall_s=120))
    by_name = {r.name: r for r in results}
    assert not by_name["softmax"].passed
    assert "금지된 API 사용" in by_name["softmax"].detail and "grading gives this question 0" in by_name["softmax"].detail
    assert by_name["mse_loss"].passed  # the other questions are judged as before
