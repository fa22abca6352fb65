"""Each week's hints, checked without a sandbox: every catalogue id of weeks 2–6 has a rule; every
computed variant, observed as a student's answers would be, loses points on its question's cases
(a hint never contradicts a pass) and fires its own hint; the reference's answers fire none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.casekit.core import Observation, Status, Verdict
from autograder.casekit.hint_audit import audit_rule, observations
from autograder.casekit.hints import GENERIC, fired
from autograder.casekit.loader import load_cases, load_catalogue
from autograder.protocol.records import CallStatus, ErrorRecord

CODE = re.compile(r"\bdef \w+\(|\blambda\b|\bimport \w|^\s*for .* in .*:", re.M)
ROOT = Path(__file__).resolve().parents[2] / "assignments"
# ../shared/specs/hints.md, week by week (the <any> classes are GENERIC, made for every question)
CATALOGUE = {
    "week02": """softmax.global-max softmax.no-max-shift softmax.ignores-dim log_softmax.log-of-softmax
        cross_entropy.wrong-reduction softmax_ce_grad.not-divided-by-n softmax_ce_grad.sign mse_loss.broadcasts
        bernoulli_nll.sign""",
    "week03": """linear.no-flatten linear.dx-shape linear.db-not-summed relu.grad-at-zero relu.backward-mask
        sigmoid.overflow sigmoid.backward-missing-dout SGD.momentum-form SGD.lr-read-once SGD.none-grad
        Adam.bias-correction Adam.step-count Adam.eps-placement Value.grad-overwritten Value.topological-order
        Value.reflected-ops Value.local-derivative train_mlp.linear-model""",
    "week04": """dropout.not-inverted dropout.eval-scales dropout.p-is-keep dropout.p-equals-1
        dropout.backward-new-mask dropout.ignores-generator batchnorm.unbiased-variance
        batchnorm.running-var-biased batchnorm.eval-batch-stats batchnorm.running-not-updated
        batchnorm.momentum-reversed batchnorm.eps-placement batchnorm.eval-no-affine batchnorm.backward
        weight_decay.l2-scale weight_decay.coupled-twice weight_decay.decoupled-lr
        EarlyStopping.improvement-rule EarlyStopping.patience-off-by-one EarlyStopping.mode-max
        EarlyStopping.best-epoch-index train_regularized.no-regularisation""",
    "week05": """conv2d.padding conv2d.stride conv2d.non-square conv2d.db-axes conv2d.backward-overwrite
        maxpool2d.stride maxpool2d.non-square maxpool2d.backward-overwrite""",
    "week06": """vocab.min-freq vocab.unicode-normalisation vocab.specials-order vocab.tie-order vocab.unk-index
        embedding.backward-overwrite rnn.no-tanh rnn.h0-ignored rnn.off-by-one rnn.swapped-weights
        rnn.transposed-weight rnn.detached-state attention.scale attention.softmax-dim attention.mask-reversed
        attention.mask-after-softmax attention.no-max-shift positions.sin-cos-swapped positions.interleave
        positions.frequency positions.odd-dim""",
}
# variants every case already catches another way, so their answers are never values to match:
# swapping Wx (D, H) and Wh (H, H) raises unless D = H, which no configuration has
SILENT = {"rnn.swapped-weights"}


def folder(week: str) -> Path:
    return next(ROOT.glob(f"{week}_*"))


@pytest.fixture(scope="module", params=sorted(CATALOGUE))
def week(request):
    return request.param, load_cases(folder(request.param)), load_catalogue(folder(request.param))


def test_every_catalogue_id_has_a_rule_with_both_languages(week):
    name, cases, catalogue = week
    ids = {r.hint.id for r in catalogue.rules}
    assert set(CATALOGUE[name].split()) <= ids, set(CATALOGUE[name].split()) - ids
    questions = {c.function for c in cases}
    for r in catalogue.rules:
        assert r.hint.question in questions, r.hint.id
        assert r.hint.ko and r.hint.en and r.hint.ko != r.hint.en
        assert any("\uac00" <= ch <= "\ud7a3" for ch in r.hint.ko), r.hint.id  # Korean
        assert not CODE.search(r.hint.ko + r.hint.en), r.hint.id  # what to look at, never solution code
    for c in cases:  # every question gets the generic classes (mutates-input where inputs are checked)
        have = {r.hint.id for r in c.hint_rules}
        assert {f"{c.function}.{bug}" for bug in GENERIC if bug != "mutates-input"} <= have, c.id


def test_each_variant_is_caught_fires_its_hint_and_never_on_the_reference(week):
    name, cases, catalogue = week
    audited = [a for a in (audit_rule(r, cases) for r in catalogue.rules) if a is not None]
    assert len(audited) >= len(CATALOGUE[name].split()) // 2
    for a in audited:
        assert a.caught, f"{a.id}: its variant keeps full marks — the hint could contradict a pass"
        if a.id not in SILENT:
            assert a.fires, f"{a.id}: its variant's answers do not fire it"
        assert not a.on_reference, f"{a.id}: fires on the reference's answers"


def test_the_reference_fires_no_hint_on_any_case(week):
    """Every rule, generic ones included, on the reference's own answers (in the inputs' dtype)."""
    _, cases, _ = week
    for case in cases:
        if case.expected is None or case.device != "cpu" or case.kind == "raises":
            continue
        right = observations(case, case.expected, case.part)
        assert fired(case, right, Verdict(Status.failed)) == (), case.id


def test_a_failure_no_rule_explains_gets_no_hint(week):
    _, cases, _ = week
    case = next(c for c in cases if c.expected is not None and c.device == "cpu")
    garbage = [Observation(CallStatus.error, error=ErrorRecord("KeyError", "x")) for _ in case.calls]
    assert fired(case, garbage, Verdict(Status.error, "raised")) == ()


def test_audit_hints_command_reports_each_hint(tmp_path):
    from typer.testing import CliRunner

    from autograder.cli import app

    result = CliRunner().invoke(app, ["audit", "week02", "--hints", "--config",
                                      str(ROOT.parent / "grader.yml")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "softmax.global-max" in result.output and "9 hints; 0 problem(s)" in result.output
