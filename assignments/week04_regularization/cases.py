"""Week 4 hidden cases — dropout, batch-norm, weight decay, early stopping, digits (25 points).

References are torch's own float64 implementations (``F.batch_norm``, ``torch.optim.SGD``,
autograd) or, for early stopping, the rule stated in the template. The digits test split and
its labels stay here, outside the sandbox.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

from autograder.casekit import ForbiddenSpec, Passed
from autograder.casekit.core import Case
from autograder.casekit.checks import accuracy_check, backward_check, backward_grid, randn
from autograder.casekit.compare import describe, tensor_mismatch
from autograder.casekit.question import question
from autograder.protocol.programs import GENERATOR
from autograder.protocol.calls import Call
from autograder.protocol.wire import TensorValue

SEEDS = (0, 1, 2)
F32 = torch.float32
DIGITS_SPLIT_SEED = 4242  # fixes which digits are training, validation and hidden test data


def nonzero(shape, seed, dtype=torch.float64) -> torch.Tensor:
    """Inputs away from 0, so a dropped element is recognisable in the output."""
    x = randn(shape, seed, dtype=torch.float64)
    return (x.sign() * (x.abs() + 0.5)).to(dtype)


def _as_pair(output):
    if isinstance(output, (tuple, list)) and len(output) == 2:
        return output
    return None, None


# -- dropout -----------------------------------------------------------------------------------
def dropout_grid(ps, *, train=True, shape=(100, 100), dtype=torch.float64):
    configs = []
    for p in ps:
        for seed in SEEDS:
            x = nonzero(shape, seed, dtype)
            configs.append(((x, p, train), {"generator": {GENERATOR: seed}},
                            f"x {shape}, p={p}, train={train}, seed={seed}"))
    return configs


def dropout_check(*, fraction: bool = False, scaling: bool = False, identity: bool = False, zeros: bool = False):
    def check(call, obs):
        x, p, _ = call.args
        out, _ = _as_pair(obs.output)
        if not isinstance(out, TensorValue) or out.shape != tuple(x.shape):
            return f"expected (out, mask) with out of shape {tuple(x.shape)}, got {describe(obs.output)}"
        dtype = str(x.dtype).removeprefix("torch.")
        if out.dtype != dtype:
            return f"out has dtype {out.dtype}, expected {dtype}"
        o = out.to_torch()
        xs = x.to(torch.float64)
        if not torch.isfinite(o).all():
            return "out contains nan or inf"
        if identity and not torch.equal(o, xs):
            return "must return the input unchanged here"
        if zeros and not torch.equal(o, torch.zeros_like(o)):
            return "with p=1 every element must be 0"
        dropped = o == 0
        n = o.numel()
        if fraction:
            frac = float(dropped.double().mean())
            band = 4 * math.sqrt(p * (1 - p) / n)
            if abs(frac - p) > band:
                return (f"{frac:.3f} of the elements were zeroed, expected {p} ± {band:.3f} "
                        f"(p is the probability of DROPPING an element)")
        if scaling:
            kept = ~dropped
            expected = xs[kept] / (1 - p)
            err = float(((o[kept] - expected).abs() / expected.abs()).max()) if kept.any() else 0.0
            # the contract's forward error (1e-7 in float64): a float32 mask or scale, as in the common
            # `(torch.rand(x.shape) < keep) / keep`, is off by ~3e-8 and is correct
            if err > (1e-4 if dtype == "float32" else 1e-7):
                return f"kept elements should equal x / (1 − p) (inverted dropout); relative error {err:.1e}"
        return None
    return check


def generator_case(id: str, title: str, points: float, forbidden: ForbiddenSpec) -> Case:
    """The mask comes from ``generator`` alone: the same generator state twice gives the same
    mask, another state another one. The sandbox seeds torch's global generator identically
    before every call, so a mask drawn from the global generator repeats for every state."""
    calls = []
    for p in (0.3, 0.6):
        x = nonzero((40, 50), 7)
        for seed in (11, 11, 12):
            calls.append(Call("dropout_forward", (x, p, True), {"generator": {GENERATOR: seed}}, driver="call",
                              label=f"x (40, 50), p={p}, generator seeded {seed}"))

    def judge(calls: list[Call], observations) -> str | None:
        dropped = []
        for call, o in zip(calls, observations):
            out, _ = _as_pair(o.output)
            if not isinstance(out, TensorValue):
                return f"dropout_forward for {call.label}: expected (out, mask), got {describe(o.output)}"
            dropped.append(out.to_torch() == 0)
        for k in range(0, len(dropped), 3):
            same, again, other = dropped[k:k + 3]
            if not torch.equal(same, again):
                return (f"dropout_forward for {calls[k].label}: the same generator state gave two different masks "
                        "— draw the mask from the generator argument only")
            if torch.equal(same, other):
                return (f"dropout_forward for {calls[k + 2].label}: another generator state gave the same mask — "
                        "draw the mask with the generator argument (e.g. torch.rand(x.shape, generator=generator))")
        return None

    return Case(id, title, points, calls, judge, forbidden=forbidden)


def p_edge_check(call, obs):
    _, p, _ = call.args
    return dropout_check(identity=p == 0.0, zeros=p == 1.0)(call, obs)


def dropout_backward_grid(ps, dtype=torch.float64):
    configs = []
    for p in ps:
        for seed in SEEDS:
            x = nonzero((50, 40), seed, dtype)
            dout = randn((50, 40), seed + 50, dtype=dtype)
            configs.append((("dropout_backward", (x, p, True), {"generator": {GENERATOR: seed}}, dout), {},
                            f"x (50, 40), p={p}, seed={seed}"))
    return configs


def dropout_backward_check(call, obs):
    _, (x, p, _), _, dout = call.args
    result = obs.output if isinstance(obs.output, dict) else {}
    out, dx = result.get("out"), result.get("grads")
    if not isinstance(out, TensorValue):
        return f"dropout_forward returned {describe(result.get('out'))}"
    kept = out.to_torch() != 0
    expected = torch.where(kept, dout.to(torch.float64) / (1 - p), torch.zeros((), dtype=torch.float64)) \
        if p < 1 else torch.zeros_like(dout, dtype=torch.float64)
    return tensor_mismatch(dx, expected, tol=1e-6, what="dx", dtype=str(dout.dtype).removeprefix("torch."))


# -- batch norm --------------------------------------------------------------------------------
def bn_state(d, seed, dtype=torch.float64):
    return {"running_mean": randn((d,), seed + 70, scale=0.5, dtype=dtype),
            "running_var": (randn((d,), seed + 80, dtype=torch.float64).abs() + 0.5).to(dtype)}


def bn_grid(*, train=True, dtype=torch.float64, sizes=((4, 3), (16, 5), (64, 2)), momentum=None):
    configs = []
    for n, d in sizes:
        for seed in SEEDS:
            x = randn((n, d), seed, scale=2.0, shift=1.5, dtype=dtype)
            gamma = randn((d,), seed + 10, dtype=dtype)
            beta = randn((d,), seed + 20, dtype=dtype)
            kwargs = {"train": train} if momentum is None else {"train": train, "momentum": momentum}
            configs.append(((x, gamma, beta, bn_state(d, seed, dtype)), kwargs,
                            f"x ({n}, {d}), train={train}, momentum={momentum or 0.1}, seed={seed}"))
    if train and momentum is None:  # the signature's default train=True, once (found by the audit)
        (x, gamma, beta, _), _, label = configs[-1]
        configs.append(((x, gamma, beta, bn_state(x.shape[1], 9, dtype)), {}, label + ", train left at its default"))
    return configs


def _bn_ref(x, gamma, beta, state, momentum=0.1, eps=1e-5, train=True):
    rm = state["running_mean"].detach().to(torch.float64).clone()
    rv = state["running_var"].detach().to(torch.float64).clone()
    out = F.batch_norm(x.to(torch.float64), rm, rv, gamma.to(torch.float64), beta.to(torch.float64),
                       training=train, momentum=momentum, eps=eps)
    return out, rm, rv


def ref_bn(x, gamma, beta, state, momentum=0.1, eps=1e-5, train=True):
    return _bn_ref(x, gamma, beta, state, momentum, eps, train)[0]


def running_stats_check(call, obs):
    x, gamma, beta, state = call.args
    _, rm, rv = _bn_ref(x, gamma, beta, state, **call.kwargs)
    after = obs.args_after[3] if isinstance(obs.args_after, tuple) and len(obs.args_after) > 3 else None
    if not isinstance(after, dict):
        return f"state is no longer a dict: {describe(after)}"
    for key, expected in (("running_mean", rm), ("running_var", rv)):
        problem = tensor_mismatch(after.get(key), expected, tol=1e-7, what=f"state['{key}'] after the call")
        if problem:
            return problem + (" (running_var uses the unbiased batch variance)" if key == "running_var" else "")
    return None


BN_GRADS = ("dx", "dgamma", "dbeta")


def bn_backward_grid(dtype=torch.float64):
    return backward_grid("batchnorm_backward", ref_bn, bn_grid(dtype=dtype), seed=300)


# -- weight decay ------------------------------------------------------------------------------
def ref_l2(params, reg):
    return reg * sum((W.to(torch.float64) ** 2).sum() for W in params)


def l2_grid(dtype=torch.float64):
    configs = []
    for shapes in [[(3, 4)], [(3, 4), (4,)], [(2, 3, 2), (5,), (1, 1)]]:
        for reg in (1e-3, 0.5):
            for seed in SEEDS:
                params = [randn(s, seed + 10 * i, dtype=dtype) for i, s in enumerate(shapes)]
                configs.append(((params, reg), {}, f"{len(shapes)} tensors {shapes}, reg={reg}, seed={seed}"))
    return configs


def ref_sgd_step(param, grad, lr, wd, decoupled):
    if decoupled:  # AdamW's decoupled decay, written out for plain SGD
        return param * (1 - lr * wd) - lr * grad
    p = param.detach().clone().requires_grad_(True)
    opt = torch.optim.SGD([p], lr=lr, weight_decay=wd)
    p.grad = grad.detach().clone()
    opt.step()
    return p.detach()


def sgd_step_grid(decoupled, dtype=torch.float64):
    configs = []
    for shape in [(5,), (3, 4)]:
        for lr, wd in [(0.1, 0.01), (0.5, 0.2), (0.05, 0.0)]:
            for seed in SEEDS:
                args = (randn(shape, seed, dtype=dtype), randn(shape, seed + 30, dtype=dtype), lr, wd, decoupled)
                configs.append((args, {}, f"shape={shape}, lr={lr}, wd={wd}, decoupled={decoupled}, seed={seed}"))
    return configs


# -- early stopping ----------------------------------------------------------------------------
class ReferenceEarlyStopping:
    """The rule stated in the template, written independently of the solution."""

    def __init__(self, patience, min_delta=0.0, mode="min"):
        self.patience, self.min_delta, self.mode = patience, min_delta, mode
        self.best, self.best_epoch, self.epoch, self.bad = None, None, -1, 0

    def step(self, metric):
        self.epoch += 1
        better = (not math.isnan(metric)) and (
            self.best is None
            or (metric < self.best - self.min_delta if self.mode == "min" else metric > self.best + self.min_delta))
        if better:
            self.best, self.best_epoch, self.bad = metric, self.epoch, 0
        else:
            self.bad += 1
        return self.bad >= self.patience


def es_configs(sequences):
    configs = []
    for kwargs, metrics in sequences:
        configs.append(((kwargs, "step", list(metrics), ["best", "best_epoch"]), {},
                        f"EarlyStopping({', '.join(f'{k}={v!r}' for k, v in kwargs.items())}) "
                        f"on {[round(m, 4) for m in metrics]}"))
    return configs


def es_check(call, obs):
    kwargs, _, metrics, _ = call.args
    ref = ReferenceEarlyStopping(**kwargs)
    got = obs.output if isinstance(obs.output, list) else None
    if got is None or len(got) != len(metrics):
        return f"expected one record per step, got {describe(obs.output)}"
    for epoch, (m, rec) in enumerate(zip(metrics, got)):
        stop = ref.step(m)
        if not isinstance(rec, dict):
            return f"epoch {epoch}: {describe(rec)}"
        if rec.get("result") is not stop:
            return f"epoch {epoch} (metric {m}): step() returned {rec.get('result')!r}, expected {stop}"
        best = rec.get("best")
        if not (isinstance(best, (int, float)) and math.isclose(best, ref.best, rel_tol=1e-12)):
            return f"epoch {epoch}: best is {best!r}, expected {ref.best!r}"
        if rec.get("best_epoch") != ref.best_epoch:
            return f"epoch {epoch}: best_epoch is {rec.get('best_epoch')!r}, expected {ref.best_epoch}"
    return None


def metric_walk(seed, n=12, start=1.0):
    rng = np.random.default_rng(seed)
    vals, v = [], start
    for _ in range(n):
        v = v + float(rng.choice([-0.1, -0.05, 0.02, 0.04]))
        vals.append(round(v, 4))
    return vals


NAN = float("nan")
ES_MIN = [({"patience": p}, metric_walk(s)) for p in (2, 3) for s in SEEDS]
ES_TIES = [({"patience": 2}, [1.0, 0.8, 0.8, 0.8, 0.7]), ({"patience": 3}, [0.5, 0.5, 0.5, 0.5, 0.4]),
           ({"patience": 1}, [2.0, 2.0, 1.0, 1.0])]
ES_DELTA = [({"patience": 2, "min_delta": 0.05}, [1.0, 0.97, 0.96, 0.9, 0.89, 0.88]),
            ({"patience": 3, "min_delta": 0.1}, [1.0, 0.95, 0.85, 0.84, 0.8, 0.7, 0.65])] + \
           [({"patience": 2, "min_delta": 0.03}, metric_walk(s + 10)) for s in SEEDS]
ES_MAX = [({"patience": 2, "mode": "max"}, [0.5, 0.6, 0.55, 0.58, 0.7, 0.7, 0.69]),
          ({"patience": 2, "mode": "max", "min_delta": 0.05}, [0.5, 0.53, 0.6, 0.62, 0.61])] + \
         [({"patience": 3, "mode": "max"}, [-m for m in metric_walk(s + 20)]) for s in SEEDS]
ES_NAN = [({"patience": 2}, [1.0, NAN, 0.9, NAN, NAN, 0.5]), ({"patience": 3}, [0.5, 0.4, NAN, NAN, NAN]),
          ({"patience": 2, "mode": "max"}, [0.1, NAN, 0.2, NAN, NAN])]


# -- digits ------------------------------------------------------------------------------------
@functools.cache
def digits_split():
    X, y = load_digits(return_X_y=True)
    order = np.random.RandomState(DIGITS_SPLIT_SEED).permutation(len(y))
    X = torch.tensor(X[order] / 16.0, dtype=torch.float32)
    y = torch.tensor(y[order], dtype=torch.int64)
    return (X[:300], y[:300]), (X[300:600], y[300:600]), (X[600:], y[600:])


def digits_configs(seeds):
    (Xtr, ytr), (Xval, yval), (Xte, _) = digits_split()
    return [(((Xtr, ytr, Xval, yval, seed), [Xval, Xte]), {}, f"seed={seed}") for seed in seeds]


def digits_labels(which: int):
    """Labels of the validation (0) or hidden test (1) split; they never enter the sandbox."""
    return lambda call: digits_split()[1 + which][1]


def regularizer_check(call, obs):
    used = obs.output.get("regularizers") if isinstance(obs.output, dict) else None
    if not used:
        return "training used neither dropout nor weight decay"
    return Passed(f"regularisation seen: {', '.join(map(str, used))}")


def cases():
    d_ps = (0.2, 0.3, 0.8)
    dropout = question("dropout", fn="dropout_forward", forbid=["dropout"])
    dropout.driven("drop_fraction", "0이 된 비율이 4σ 이항 범위 안에서 p / the zeroed fraction is p within a 4σ binomial band", dropout_grid(d_ps),
                   dropout_check(fraction=True), driver="call", weight=0.75)
    dropout.driven("inverted_scaling", "남은 원소는 x / (1 − p)라서 평균이 유지됨 / kept elements are x / (1 − p), so the mean is kept", dropout_grid(d_ps),
                   dropout_check(scaling=True), driver="call", weight=0.75)
    dropout.invariants("invariants", "출력이 x의 모양·dtype, x를 바꾸지 않음 / out of x's shape and dtype; x not modified",
                       dropout_grid((0.3,), shape=(20, 30)), lambda x, p, train, generator=None: x, part=0,
                       driver="call", weight=0.25)
    dropout.driven("eval_identity", "train=False이면 입력을 그대로 돌려줌 / train=False returns the input unchanged",
                   dropout_grid((0.3, 0.8), train=False), dropout_check(identity=True), driver="call",
                   weight=0.5)
    dropout.driven("p_zero_and_one", "p=0은 항등, p=1은 nan 없이 0 / p=0 is the identity; p=1 gives zeros without nan",
                   dropout_grid((0.0, 1.0), shape=(20, 30)), p_edge_check, driver="call", weight=0.75)
    dropout.driven("backward", "dx = dout · mask (버린 곳 0, 남긴 곳 1/(1−p)) / dx = dout · mask (zero where dropped, 1/(1−p) where kept)",
                   dropout_backward_grid((0.2, 0.5, 0.8, 1.0)), dropout_backward_check,
                   driver="forward_backward", weight=1.0)
    dropout.driven("float32", "float32 입력 → float32 출력 / float32 in, float32 out", dropout_grid((0.3,), dtype=F32),
                   dropout_check(fraction=True, scaling=True), driver="call", weight=0.5)
    dropout.case(generator_case("dropout/uses_generator", "마스크는 generator 인자로만 만듦 / the mask comes from the generator argument alone", 0.5,
                                dropout.spec))

    batchnorm = question("batchnorm", fn="batchnorm_forward", forbid=["batch_norm"], no_autograd=True)
    batchnorm.values("train_forward", "학습 모드 출력이 F.batch_norm과 같음 (편향 분산) / training output equals F.batch_norm (biased variance)", bn_grid(),
                     ref_bn, part=0, weight=1.5)
    batchnorm.driven("running_stats", "이동 평균·분산 (모양 (D,))을 momentum으로 갱신, 불편 분산 / running mean/var (shape (D,)) updated with momentum, unbiased var",
                     bn_grid() + bn_grid(momentum=0.3, sizes=((8, 4),)), running_stats_check, driver="call",
                     weight=1.5)
    batchnorm.values("eval", "train=False는 이동 통계와 gamma, beta를 사용 / train=False uses the running statistics and gamma, beta", bn_grid(train=False),
                     ref_bn, part=0, weight=1.0)
    batchnorm.driven("backward", "dx, dgamma, dbeta가 F.batch_norm의 autograd와 같음 / dx, dgamma, dbeta equal autograd through F.batch_norm", bn_backward_grid(),
                     backward_check(ref_bn, BN_GRADS), driver="forward_backward", weight=2.0)
    batchnorm.driven("float32", "순전파·역전파 모두 float32 입력 → float32 출력 / float32 in, float32 out, forward and backward (rtol 1e-4)",
                     bn_backward_grid(F32), backward_check(ref_bn, BN_GRADS, tol=1e-4),
                     driver="forward_backward", weight=0.5)
    batchnorm.invariants("invariants", "출력 모양이 정확히 (N, D), x를 바꾸지 않음 / output exactly (N, D), x not mutated", bn_grid()[::3], ref_bn, part=0,
                         weight=0.5)
    batchnorm.values("cuda", "CUDA 텐서에서도 같은 결과 (0점, GPU 없으면 건너뜀) / same results on CUDA tensors (0 points; skipped without a GPU)", bn_grid()[:3],
                     ref_bn, part=0, device="cuda", weight=0.0)

    weight_decay = question("weight_decay", fn="l2_penalty", forbid=["fused_sgd", "fused_adamw", "foreach"],
                            modules=["torch.optim"])
    weight_decay.values("l2_penalty", "텐서 목록에 대해 reg · Σ sum(W²) (½ 없음) / reg · Σ sum(W²) over a list of tensors (no ½)", l2_grid(), ref_l2,
                        weight=1.0)
    weight_decay.invariants("l2_invariants", "스칼라, 파라미터를 바꾸지 않음 / a scalar; the parameters are not modified", l2_grid()[::2],
                            ref_l2, weight=0.25)
    weight_decay.values("l2_penalty_float32", "float32 파라미터 → float32 벌점 / float32 parameters give a float32 penalty", l2_grid(F32)[::2],
                        ref_l2, tol=1e-4, weight=0.25)
    weight_decay.values("coupled", "decoupled=False는 torch.optim.SGD(weight_decay=wd)와 같음 / decoupled=False equals torch.optim.SGD(weight_decay=wd)",
                        sgd_step_grid(False), ref_sgd_step, fn="sgd_step", weight=1.25)
    weight_decay.values("decoupled", "decoupled=True는 AdamW 방식 p·(1 − lr·wd) − lr·g와 같음 / decoupled=True equals the AdamW-style p·(1 − lr·wd) − lr·g",
                        sgd_step_grid(True), ref_sgd_step, fn="sgd_step", weight=1.25)
    weight_decay.invariants("invariants", "새 텐서를 돌려주고 param과 grad를 바꾸지 않음 / a new tensor is returned; param and grad not mutated",
                            sgd_step_grid(False)[::4] + sgd_step_grid(True)[::4], ref_sgd_step, fn="sgd_step",
                            weight=0.5)
    weight_decay.values("float32", "float32 입력 → float32 출력 / float32 in, float32 out (rtol 1e-4)",
                        sgd_step_grid(False, F32)[::2] + sgd_step_grid(True, F32)[::2], ref_sgd_step, tol=1e-4,
                        fn="sgd_step", weight=0.5)

    earlystopping = question("EarlyStopping")
    earlystopping.driven("min", "mode='min', patience 2와 3, 시드를 둔 지표 변화 / mode='min' with patience 2 and 3 on seeded metric walks", es_configs(ES_MIN),
                         es_check, driver="stateful_sequence", weight=1.0)
    earlystopping.driven("ties", "같은 값은 개선이 아님 / an equal metric is not an improvement", es_configs(ES_TIES), es_check,
                         driver="stateful_sequence", weight=0.75)
    earlystopping.driven("min_delta", "min_delta보다 작은 개선은 세지 않음 / improvements smaller than min_delta do not count", es_configs(ES_DELTA),
                         es_check, driver="stateful_sequence", weight=0.75)
    earlystopping.driven("max_mode", "mode='max' (예: 정확도) / mode='max' (e.g. accuracy)", es_configs(ES_MAX), es_check,
                         driver="stateful_sequence", weight=0.75)
    earlystopping.driven("nan", "NaN은 개선이 아님 / NaN counts as no improvement", es_configs(ES_NAN), es_check,
                         driver="stateful_sequence", weight=0.75)

    train_regularized = question("train_regularized")
    train_regularized.driven("val_accuracy", "시드 3개 모두 검증 정확도 ≥ 0.90 / validation accuracy ≥ 0.90 for each of 3 seeds",
                             digits_configs(SEEDS),
                             accuracy_check(digits_labels(0), 0.90, which=0, what="validation"),
                             driver="train_predict", timeout=90, weight=2.5)
    train_regularized.driven("test_accuracy", "비공개 테스트 정확도 ≥ 0.88 / hidden test accuracy ≥ 0.88", digits_configs(SEEDS[:1]),
                             accuracy_check(digits_labels(1), 0.88, which=1, what="hidden test"),
                             driver="train_predict", timeout=30, weight=0.5)
    train_regularized.driven("uses_regularization", "학습에 드롭아웃이나 가중치 감쇠를 실제로 사용 / dropout or weight decay is really used in training",
                             digits_configs(SEEDS[:1]), regularizer_check, driver="train_predict", timeout=30,
                             weight=1.0)

    return [c for q in (dropout, batchnorm, weight_decay, earlystopping, train_regularized) for c in q.cases]
