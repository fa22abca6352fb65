"""Week 4 hints (see autograder.casekit.hints). Dropout is random, so its evidence reads the
student's own returned mask and output (kept elements scaled by what, how many dropped, NaN at
p = 1, the backward's zeros against the forward's); the rest are variants computed in float64."""

from __future__ import annotations

import math

import numpy as np
import torch

from autograder.casekit.hints import as64, answer, any_of, autograd_backward, buggy_backward, rule, same, variant
from autograder.protocol.wire import TensorValue

FB = "forward_backward"


def _pair(output):
    if isinstance(output, (list, tuple)) and len(output) == 2 and isinstance(output[0], TensorValue):
        return output[0].to_torch()
    return None


def _dropout_calls(case, observations, *, train=True):
    """(x, p, out) of each call that returned (out, mask), in float64."""
    for call, obs in zip(case.calls, observations):
        if call.driver != "call" or len(call.args) != 3 or bool(call.args[2]) is not train:
            continue
        out = _pair(obs.output)
        if out is not None and out.shape == call.args[0].shape:
            yield call.args[0].to(torch.float64), float(call.args[1]), out


def _kept_scale(expected_scale):
    """Kept elements equal x times ``expected_scale(p)`` on every training call with 0 < p < 1."""
    def evidence(case, observations):
        seen = 0
        for x, p, out in _dropout_calls(case, observations):
            if not 0 < p < 1 or p == 0.5:
                continue
            kept = out != 0
            if not kept.any():
                return None
            if not torch.allclose(out[kept], x[kept] * expected_scale(p), rtol=1e-4, atol=0):
                return None
            seen += 1
        return "" if seen else None
    return evidence


def _dropped_fraction(of_p):
    def evidence(case, observations):
        seen = 0
        for x, p, out in _dropout_calls(case, observations):
            if not 0 < p < 1 or p == 0.5:
                continue
            frac, band = float((out == 0).double().mean()), 4 * math.sqrt(p * (1 - p) / out.numel())
            if abs(frac - of_p(p)) > band:
                return None
            seen += 1
        return "" if seen else None
    return evidence


def _p_is_keep(case, observations):
    fraction, scale = _dropped_fraction(lambda p: 1 - p), _kept_scale(lambda p: 1 / p)
    return "" if fraction(case, observations) is not None and scale(case, observations) is not None else None


def _eval_changes(case, observations):
    for x, p, out in _dropout_calls(case, observations, train=False):
        if p > 0 and (torch.allclose(out, x * (1 - p), rtol=1e-6) or (out == 0).any() and not (x == 0).any()):
            return ""
    return None


def _nan_at_p1(case, observations):
    for x, p, out in _dropout_calls(case, observations):
        if p >= 1 and torch.isnan(out).any():
            return ""
    for call, obs in zip(case.calls, observations):  # a backward with 1 / (1 − p) at p = 1
        if call.driver != FB or call.args[1][1] < 1:
            continue
        grads = obs.output.get("grads") if isinstance(obs.output, dict) else None
        if isinstance(grads, TensorValue) and np.isnan(np.asarray(grads.array)).any():
            return ""
    return None


def _backward_mask(case, observations):
    """dx is not dout masked by the forward's own zeros: no mask at all, or a mask drawn again."""
    for call, obs in zip(case.calls, observations):
        if call.driver != FB or not isinstance(obs.output, dict):
            continue
        _, (x, p, _), _, dout = call.args
        out, dx = obs.output.get("out"), obs.output.get("grads")
        if not (isinstance(out, TensorValue) and isinstance(dx, TensorValue)) or not 0 < p < 1:
            continue
        forward_kept, dx_t = out.to_torch() != 0, dx.to_torch()
        if dx_t.shape != forward_kept.shape:
            continue
        d = dout.to(torch.float64)
        if torch.allclose(dx_t, d, rtol=1e-6):
            return "dx = dout"
        backward_kept = dx_t != 0
        if not torch.equal(backward_kept, forward_kept) and torch.allclose(
                dx_t[backward_kept], d[backward_kept] / (1 - p), rtol=1e-4):
            return ""
    return None


def _generator_ignored(case, observations):
    dropped = []
    for obs in observations:
        out = _pair(obs.output)
        if out is None:
            return None
        dropped.append(out == 0)
    for k in range(0, len(dropped) - 2, 3):
        first, again, other = dropped[k:k + 3]
        if not torch.equal(first, again) or torch.equal(first, other):
            return ""
    return None


# -- batch norm ------------------------------------------------------------------------------------
def _bn(x, gamma, beta, state, momentum=0.1, eps=1e-5, train=True, *, unbiased=False, eps_out=False,
        eval_batch=False, no_affine_eval=False):
    if train or eval_batch:
        mean = x.mean(0)
        var = x.var(0, unbiased=unbiased)
    else:
        mean, var = state["running_mean"], state["running_var"]
    x_hat = (x - mean) / (var.sqrt() + eps if eps_out else (var + eps).sqrt())
    if not train and no_affine_eval:
        return x_hat
    return gamma * x_hat + beta


def _state(bug: str):
    """The running statistics after one training call with ``bug``, against the state the student
    returned in place (args_after)."""
    def evidence(case, observations):
        seen = 0
        for call, obs in zip(case.calls, observations):
            if call.driver != "call" or len(call.args) != 4:
                continue
            x, _, _, state = as64(call.args)
            momentum, train = call.kwargs.get("momentum", 0.1), call.kwargs.get("train", True)
            if not train:
                continue
            rm, rv = state["running_mean"], state["running_var"]
            n = x.shape[0]
            mean, var = x.mean(0), x.var(0, unbiased=False)
            right = ((1 - momentum) * rm + momentum * mean, (1 - momentum) * rv + momentum * var * n / (n - 1))
            wrong = {"biased": (right[0], (1 - momentum) * rv + momentum * var),
                     "frozen": (rm, rv),
                     "reversed": (momentum * rm + (1 - momentum) * mean,
                                  momentum * rv + (1 - momentum) * var * n / (n - 1))}[bug]
            after = obs.args_after[3] if isinstance(obs.args_after, tuple) and len(obs.args_after) > 3 else None
            if not isinstance(after, dict):
                return None
            got = (after.get("running_mean"), after.get("running_var"))
            if same(list(got), list(right), 1e-6):
                return None
            if not same(list(got), list(wrong), 1e-6):
                return None
            seen += 1
        return "" if seen else None
    return evidence


def _bn_backward(drop: str):
    def grads(x, gamma, beta, state, momentum=0.1, eps=1e-5, train=True, *, dout):
        n = x.shape[0]
        mean, var = x.mean(0), x.var(0, unbiased=False)
        inv = 1 / (var + eps).sqrt()
        x_hat = (x - mean) * inv
        dxh = dout * gamma
        mean_term = torch.zeros_like(x) if drop == "mean" else dxh.sum(0)
        xhat_term = torch.zeros_like(x) if drop == "x_hat" else x_hat * (dxh * x_hat).sum(0)
        dx = inv / n * (n * dxh - mean_term - xhat_term)
        return dx, (dout * x_hat).sum(0), dout.sum(0)
    return grads


# -- early stopping -------------------------------------------------------------------------------
def _es(bug: str):
    class Buggy:
        def __init__(self, patience, min_delta=0.0, mode="min"):
            self.patience, self.min_delta, self.mode = patience, min_delta, mode
            self.best, self.best_epoch, self.epoch, self.bad = None, None, -1, 0

        def step(self, metric):
            self.epoch += 1
            delta = 0.0 if bug == "no-delta" else self.min_delta
            mode = "min" if bug == "mode" else self.mode
            if bug.startswith("nan") and (self.best is None or math.isnan(self.best)):
                better = True  # a NaN best is replaced by anything
            elif math.isnan(metric):
                # `not (metric >= best − δ)` is True for NaN in mode min; some write it for both modes
                better = bug == "nan-both" or (bug == "nan" and mode == "min")
            elif self.best is None:
                better = True
            elif bug == "ties":
                better = metric <= self.best - delta if mode == "min" else metric >= self.best + delta
            else:
                better = metric < self.best - delta if mode == "min" else metric > self.best + delta
            if better:
                self.best, self.best_epoch, self.bad = metric, self.epoch + (1 if bug == "one-based" else 0), 0
            else:
                self.bad += 1
            limit = {"late": self.patience + 1, "early": self.patience - 1}.get(bug, self.patience)
            return self.bad >= limit

    def of(call):
        kwargs, _, metrics, _ = call.args
        es, out = Buggy(**kwargs), []
        for m in metrics:
            stop = es.step(m)
            out.append({"result": stop, "best": es.best, "best_epoch": es.best_epoch})
        return out
    return of


def _no_regulariser(case, observations):
    for obs in observations:
        if isinstance(obs.output, dict) and "regularizers" in obs.output and not obs.output["regularizers"]:
            return ""
    return None


def hints(cases) -> list:
    es_right = _es("")
    bn_right = autograd_backward(cases.ref_bn, 3)

    def es(bug):
        return variant(_es(bug), es_right, driver="stateful_sequence")

    def bn(**bug):
        return variant(answer(lambda *a, **k: _bn(*a, **k, **bug)), part=0)

    return [
        rule("dropout.not-inverted",
             "학습 중 남긴 원소를 1/(1 − p)로 키우지 않았습니다 (inverted dropout). 그래야 평균이 유지됩니다",
             "Kept units are not scaled by 1/(1 − p) during training (inverted dropout keeps the mean)",
             _kept_scale(lambda p: 1.0)),
        rule("dropout.eval-scales",
             "평가 모드(train=False)에서는 입력을 그대로 반환해야 합니다 — 지금은 값을 줄이거나 떨어뜨립니다",
             "In evaluation mode (train=False) return the input unchanged: it is scaled or dropped now",
             _eval_changes, cases=("eval_identity",)),
        rule("dropout.p-is-keep",
             "p를 '남길' 확률로 썼습니다. 이 과제에서 p는 원소를 '버릴' 확률입니다",
             "`p` is used as the keep probability; here it is the probability of dropping an element",
             _p_is_keep),
        rule("dropout.p-equals-1",
             "p = 1에서 1/(1 − p) = 1/0이 되어 nan이 나옵니다. p = 1이면 전부 0을 반환하세요",
             "p = 1 divides by 1 − p = 0 and gives nan: return zeros when p = 1",
             _nan_at_p1),
        rule("dropout.backward-new-mask",
             "역전파가 순전파의 마스크를 쓰지 않습니다 (새로 뽑거나 아예 곱하지 않음). cache에 저장한 마스크를 dout에 곱하세요",
             "The backward does not reuse the forward's mask (it draws a new one, or applies none): multiply "
             "`dout` by the mask kept in the cache",
             _backward_mask, cases=("backward",)),
        rule("dropout.ignores-generator",
             "마스크를 전역 난수 생성기로 뽑았습니다. 인자로 받은 generator를 torch.rand(..., generator=generator)에 넘기세요",
             "The mask is drawn from the global RNG: pass the given `generator` (torch.rand(..., generator=generator))",
             _generator_ignored, cases=("uses_generator",)),
        rule("batchnorm.unbiased-variance",
             "정규화에는 편향(biased, N으로 나눈) 배치 분산을 씁니다. N − 1로 나누는 것은 running_var 갱신에서만입니다",
             "Normalise with the biased (divide by N) batch variance; N − 1 belongs to the running_var update only",
             bn(unbiased=True)),
        rule("batchnorm.running-var-biased",
             "running_var는 불편(unbiased, N − 1) 분산으로 갱신해야 합니다",
             "Update running_var with the unbiased (N − 1) batch variance",
             _state("biased"), cases=("running_stats",)),
        rule("batchnorm.eval-batch-stats",
             "평가 모드에서는 배치 통계가 아니라 running_mean/running_var를 써야 합니다",
             "Evaluation mode must use running_mean/running_var, not the batch's statistics",
             bn(eval_batch=True)),
        rule("batchnorm.running-not-updated",
             "학습 모드에서 state의 running_mean/running_var를 갱신하지 않았습니다 (제자리에서 바꿔야 합니다)",
             "The running statistics in `state` are never updated in training mode (update them in place)",
             _state("frozen"), cases=("running_stats",)),
        rule("batchnorm.momentum-reversed",
             "momentum의 방향이 반대입니다: new = (1 − momentum)·old + momentum·batch",
             "Momentum weights old and new the wrong way round: new = (1 − momentum)·old + momentum·batch",
             _state("reversed"), cases=("running_stats",)),
        rule("batchnorm.eps-placement",
             "ε은 제곱근 안에 들어갑니다: (x − μ) / sqrt(σ² + ε)",
             "ε goes inside the square root: (x − μ) / sqrt(σ² + ε)",
             bn(eps_out=True)),
        rule("batchnorm.eval-no-affine",
             "평가 모드에서도 γ(gamma)와 β(beta)를 적용해야 합니다",
             "Apply γ (gamma) and β (beta) in evaluation mode too",
             bn(no_affine_eval=True)),
        rule("batchnorm.backward",
             "역전파의 dx에서 항 하나가 빠졌습니다 (평균을 통한 항 Σdx̂, 또는 분산을 통한 x̂·Σ(dx̂·x̂) 항)",
             "The backward's dx misses a term (the one through the mean, Σdx̂, or through the variance, x̂·Σ(dx̂·x̂))",
             any_of(variant(buggy_backward(_bn_backward("mean")), bn_right, driver=FB),
                    variant(buggy_backward(_bn_backward("x_hat")), bn_right, driver=FB))),
        rule("weight_decay.l2-scale",
             "L2 벌점의 배율이 틀렸습니다: reg · Σ W² (½ 없이, |W|가 아니라 W²)",
             "The L2 penalty has the wrong factor: reg · Σ W² (no ½, and W² rather than |W|)",
             any_of(variant(answer(lambda ps, reg: 0.5 * reg * sum((W ** 2).sum() for W in ps)), fn="l2_penalty"),
                    variant(answer(lambda ps, reg: 2 * reg * sum((W ** 2).sum() for W in ps)), fn="l2_penalty"),
                    variant(answer(lambda ps, reg: reg * sum(W.abs().sum() for W in ps)), fn="l2_penalty"))),
        rule("weight_decay.coupled-twice",
             "결합(coupled) 방식에서 감쇠를 두 번 적용했습니다. param − lr·(grad + wd·param) 한 번이면 됩니다",
             "The coupled form applies the decay twice: param − lr·(grad + wd·param) once is enough",
             any_of(variant(answer(lambda p, g, lr, wd, d: p if d else p - lr * (g + 2 * wd * p)), fn="sgd_step"),
                    variant(answer(lambda p, g, lr, wd, d: p if d else p * (1 - lr * wd) - lr * (g + wd * p)),
                            fn="sgd_step"))),
        rule("weight_decay.decoupled-lr",
             "분리(decoupled) 감쇠는 lr을 한 번 곱해야 합니다: param·(1 − lr·wd) − lr·grad",
             "Decoupled decay is scaled by lr exactly once: param·(1 − lr·wd) − lr·grad",
             any_of(variant(answer(lambda p, g, lr, wd, d: p * (1 - wd) - lr * g if d else p), fn="sgd_step"),
                    variant(answer(lambda p, g, lr, wd, d: p * (1 - lr * lr * wd) - lr * g if d else p),
                            fn="sgd_step"))),
        rule("EarlyStopping.improvement-rule",
             "개선 판정이 틀렸습니다: min_delta보다 크게 좋아져야 개선이고, 같은 값이나 NaN은 개선이 아닙니다",
             "The improvement rule is wrong: only a change beyond min_delta improves; a tie or NaN never does",
             any_of(es("ties"), es("no-delta"), es("nan"), es("nan-both"))),
        rule("EarlyStopping.patience-off-by-one",
             "patience가 하나 어긋났습니다: 개선 없는 에폭이 patience번 연속되면 멈춥니다",
             "Patience is off by one: stop once `patience` epochs in a row brought no improvement",
             any_of(es("late"), es("early"))),
        rule("EarlyStopping.mode-max",
             "mode='max'를 무시했습니다. 정확도처럼 클수록 좋은 지표에서는 커져야 개선입니다",
             "`mode='max'` is ignored: for a metric like accuracy, higher is the improvement",
             es("mode")),
        rule("EarlyStopping.best-epoch-index",
             "best_epoch는 0부터 셉니다 (첫 step이 에폭 0)",
             "`best_epoch` counts from 0 (the first step is epoch 0)",
             es("one-based")),
        rule("train_regularized.no-regularisation",
             "학습에 정규화가 전혀 쓰이지 않았습니다 (dropout 또는 weight decay를 실제 학습 루프에서 쓰세요)",
             "The training loop applies no regularisation: use dropout or weight decay in the real training loop",
             _no_regulariser, cases=("uses_regularization",)),
    ]
