"""The authoring kit: torch names derived from what a student would type, points from grader.yml
shared by weight, and the master notebook's point labels filled from the same numbers."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import torch
from pydantic import ValidationError

from autograder.build.point_labels import fill_points
from autograder.casekit.aliases import torch_names
from autograder.casekit.checks import randn
from autograder.casekit.loader import load_cases
from autograder.casekit.otter_check import verdict_here
from autograder.casekit.question import question
from autograder.config import Assignment
from autograder.errors import UserError


@pytest.mark.parametrize("typed, derived", [
    ("softmax", {"softmax", "_softmax", "special_softmax", "_safe_softmax", "_masked_softmax", "log_softmax"}),
    ("sigmoid", {"sigmoid", "sigmoid_", "expit", "special_expit", "log_sigmoid"}),   # a documented alias
    ("relu", {"relu", "relu_", "relu6", "leaky_relu"}),
    ("nll_loss", {"nll_loss", "nll_loss2d", "nll_loss_nd", "nll_loss_forward"}),
    ("dropout", {"dropout", "native_dropout", "feature_dropout", "alpha_dropout", "_fused_dropout"}),
    ("conv", {"conv1d", "conv2d", "conv3d", "conv_transpose2d", "conv_tbc", "_slow_conv2d_forward"}),
    ("scaled_dot_product_attention", {"_scaled_dot_product_flash_attention",
                                      "_scaled_dot_product_efficient_attention", "_scaled_dot_product_attention_math"}),
])
def test_the_torch_names_of_an_operation_are_derived(typed, derived):
    assert derived <= torch_names(typed)


@pytest.mark.parametrize("typed, unrelated", [
    ("linear", {"linalg_solve", "matmul", "addmm", "mm"}),
    ("softmax", {"exp", "sum", "amax", "sub", "div", "logsumexp"}),
    ("conv", {"convolution", "mul", "sum"}),  # "convolution" is its own word: the author lists it
    ("relu", {"rrelu", "clamp", "maximum", "threshold"}),
])
def test_ordinary_building_blocks_stay_allowed(typed, unrelated):
    assert not unrelated & torch_names(typed)


def _softmax_case(**forbid):
    q = question("softmax", **forbid)
    grid = [((randn((3, 4), s),), {"dim": -1}, f"seed={s}") for s in range(2)]
    return q.values("values", "softmax", grid, lambda x, dim=-1: torch.softmax(x, dim=dim))


@pytest.mark.parametrize("body", [
    # escaped week 2's hand-written list (softmax, _softmax, special_softmax, the log_ variants, logsumexp)
    "torch.ops.aten._masked_softmax(x, torch.zeros_like(x, dtype=torch.bool), dim)",
    "torch.ops.aten._safe_softmax(x, dim)",
    "torch.ops.aten._softmax(x, dim, False)",
    "torch.special.softmax(x, dim)",
    "torch.exp(torch.log_softmax(x, dim))",
    "torch.nn.functional.gumbel_softmax(x * 1e6, tau=1.0, dim=dim) * 0 + torch.softmax(x, dim)",
])
def test_a_derived_name_is_caught_when_the_student_calls_it(body):
    ns: dict = {"torch": torch}
    exec(f"def softmax(x, dim=-1):\n    return {body}", ns)
    verdict = verdict_here(_softmax_case(forbid=["softmax"]), ns)
    assert verdict.status.value == "forbidden", verdict


def test_an_own_implementation_passes_under_the_derived_list():
    ns: dict = {"torch": torch}
    exec("def softmax(x, dim=-1):\n    e = torch.exp(x - x.amax(dim=dim, keepdim=True))\n"
         "    return e / e.sum(dim=dim, keepdim=True)", ns)
    assert verdict_here(_softmax_case(forbid=["softmax"]), ns).passed


def _week(tmp_path: Path, body: str) -> Path:
    (tmp_path / "cases.py").write_text(
        "import torch\nfrom autograder.casekit.question import question\n"
        "GRID = [((torch.ones(2),), {}, 'ones')]\n"
        "def ref(x):\n    return x\n"
        f"def cases():\n{body}", encoding="utf-8")
    return tmp_path


def test_question_points_come_from_grader_yml_shared_by_weight(tmp_path):
    folder = _week(tmp_path, "    a = question('a')\n    a.values('one', 't', GRID, ref, weight=1)\n"
                             "    a.values('three', 't', GRID, ref, weight=3)\n"
                             "    b = question('b')\n    b.values('only', 't', GRID, ref, weight=0.5)\n"
                             "    return a.cases + b.cases\n")
    assert [c.points for c in load_cases(folder)] == [1, 3, 0.5]  # no questions: a weight is points
    assert [c.points for c in load_cases(folder, {"a": 2, "b": 6})] == [0.5, 1.5, 6.0]
    with pytest.raises(UserError, match="no points for b"):
        load_cases(folder, {"a": 2})
    with pytest.raises(UserError, match="no cases for c"):
        load_cases(folder, {"a": 2, "b": 1, "c": 1})


def test_grader_yml_questions_must_add_up_to_the_automatic_points():
    base = dict(id="week02", week=2, title="t", folder="x", due="2026-07-14T23:59:00", points=10)
    assert Assignment(**base, questions={"a": 6, "b": 4}).questions == {"a": 6, "b": 4}
    with pytest.raises(ValidationError, match="add up to 9"):
        Assignment(**base, questions={"a": 5, "b": 4})
    with_manual = Assignment(**base, questions={"a": 8}, manual=[{"id": "m", "title": "m", "points": 2}])
    assert with_manual.auto_points == 8


def test_point_labels_are_filled_from_the_cases(tmp_path):
    folder = _week(tmp_path, "    a = question('a')\n    a.values('one', 't', GRID, ref)\n"
                             "    a.values('two', 't', GRID, ref, weight=2)\n    return a.cases\n")
    cases = load_cases(folder, {"a": 4.5})
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Week (<points>점)"),
        nbformat.v4.new_raw_cell("# BEGIN QUESTION\nname: a"),
        nbformat.v4.new_markdown_cell("## a (<points>점 / <points> pts): two is worth <points:a/two>"),
        nbformat.v4.new_raw_cell("# END QUESTION"),
        nbformat.v4.new_markdown_cell("done (<points>)")])
    out = fill_points(nb, cases, 10, "week.ipynb")
    assert [c.source for c in out.cells if c.cell_type == "markdown"] == [
        "# Week (10점)", "## a (4.5점 / 4.5 pts): two is worth 3", "done (10)"]
    nb.cells[0].source = "see <points:b/nothing>"
    with pytest.raises(UserError, match="names no question or case"):
        fill_points(nb, cases, 10, "week.ipynb")


def test_the_masters_labels_agree_with_grader_yml(built):
    """Week 2 built: every question's heading shows grader.yml's points."""
    text = "\n".join(c.source for c in built.template.cells if c.cell_type == "markdown")
    assert "<points" not in text
    for name, points in built.week.questions.items():
        assert f"({points:g}점 / {points:g} pts)" in text, name
