"""``autograder audit``: mutants of the reference, graded by the engine, classified and reported."""

from __future__ import annotations

import pytest
from cosmic_ray.mutating import mutate_code

from autograder.audit import generate, run_audit, write_audit
from autograder.audit.operators import OWN, operators


@pytest.mark.parametrize("name", sorted(OWN))
def test_own_operators_make_their_documented_mutation(name):
    for example in OWN[name].examples():
        assert mutate_code(example.pre_mutation_code, OWN[name](), example.occurrence) == example.post_mutation_code


def test_mutants_are_attributed_to_the_function_they_change(built):
    mutants = generate(built.solution, {"mse_loss"})
    assert mutants and {m.function for m in mutants} == {"mse_loss"}
    assert len({m.source for m in mutants}) == len(mutants)  # no duplicates
    assert any(m.operator.startswith("core/") for m in mutants) and all(m.diff.startswith("-") for m in mutants)
    assert len(operators()) >= 25


def test_an_audit_kills_every_mse_mutant_and_finds_what_a_weaker_test_set_misses(built, tmp_path):
    full = run_audit(built.cfg, built.week, functions={"mse_loss"}, show_progress=False, workers=2,
                     solution_path=built.result.solution, cases=built.cases)
    assert full.total["survived"] == 0 and full.total["killed"] >= 8
    weak = run_audit(built.cfg, built.week, functions={"mse_loss"}, show_progress=False, workers=2,
                     solution_path=built.result.solution,
                     cases=[c for c in built.cases if c.id == "mse_loss/mean"])
    missed = [r for r in weak.results if r.status != "killed"]
    # a mutant on a path the weak grid never takes has the reference's outputs on it
    assert any("reduction == 'sum'" in r.mutant.diff and r.status == "equivalent-suspect" for r in missed)
    assert weak.total["killed"] < full.total["killed"] and weak.strict_score < full.strict_score
    html, csv = write_audit(weak, tmp_path)
    page = html.read_text(encoding="utf-8")
    assert "Mutation score" in page and "+    if reduction != &#39;sum&#39;:" in page  # the diff, escaped
    assert csv.read_text(encoding="utf-8-sig").count("equivalent-suspect") == weak.total["equivalent-suspect"]
