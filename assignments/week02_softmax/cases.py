"""Week 2 hidden cases — softmax & cross-entropy (20 points).

Each case is a grid of configurations × seeds. References are torch's own float64
implementations, computed by the grader; none of this file is ever shipped to students or
into the sandbox.
"""

from __future__ import annotations

import math

import torch

from autograder.casekit.checks import randn
from autograder.casekit.question import question

SEEDS = (0, 1, 2)


def targets(n, c, seed, dtype=torch.int64) -> torch.Tensor:
    g = torch.Generator().manual_seed(2000 + seed)
    return torch.randint(0, c, (n,), generator=g).to(dtype)


# -- references (float64, torch built-ins) ------------------------------------------------
def ref_softmax(x, dim=-1):
    return torch.softmax(x, dim=dim)


def ref_log_softmax(x, dim=-1):
    return torch.log_softmax(x, dim=dim)


def ref_cross_entropy(logits, target, reduction="mean"):
    return torch.nn.functional.cross_entropy(logits, target.long(), reduction=reduction)


def ref_mse(pred, target, reduction="mean"):
    return torch.nn.functional.mse_loss(pred, target, reduction=reduction)


def ref_gaussian_nll(y, mu, sigma):
    sigma = torch.as_tensor(sigma, dtype=y.dtype)
    return (0.5 * math.log(2 * math.pi) + torch.log(sigma) + (y - mu) ** 2 / (2 * sigma**2)).sum()


def ref_gaussian_nll_unit(y, mu, sigma):
    """σ = 1: half the summed squared error plus the constant — the link to MSE."""
    return 0.5 * ((y - mu) ** 2).sum() + 0.5 * y.numel() * math.log(2 * math.pi)


def ref_bernoulli_nll(p, y):
    return -(y * torch.log(p) + (1 - y) * torch.log1p(-p)).sum()


def ref_softmax_ce_grad(logits, target):
    onehot = torch.nn.functional.one_hot(target.long(), logits.shape[1]).to(logits.dtype)
    return (torch.softmax(logits, dim=1) - onehot) / logits.shape[0]


# -- configuration grids ---------------------------------------------------------------------
def softmax_grid(dtype=torch.float64, *, scale=3.0):
    configs = []
    for shape in [(7,), (4, 5), (2, 3, 6)]:
        for dim in [*range(len(shape)), -1]:
            for seed in SEEDS:
                x = randn(shape, seed, scale=scale, dtype=dtype)
                configs.append(((x,), {"dim": dim}, f"shape={shape}, dim={dim}, seed={seed}"))
    configs.append(((randn((3, 4), 9, dtype=dtype),), {}, "shape=(3, 4), default dim"))
    # 3-D with the default: a default of dim=1 is right for 2-D inputs only (found by the audit)
    configs.append(((randn((2, 3, 4), 10, dtype=dtype),), {}, "shape=(2, 3, 4), default dim (the last)"))
    return configs


def shifted_grid():
    return [((randn((5, 6), s, scale=2.0) + 100.0 * (s + 1),), {"dim": -1},
             f"every logit shifted by {100 * (s + 1)}, seed={s}") for s in SEEDS]


def overflow_grid():
    return [((randn((4, 6), s, scale=0.5, shift=800.0),), {"dim": d}, f"all logits ≈ 800, dim={d}, seed={s}")
            for s in SEEDS for d in (0, 1)]


def mixed_extremes_grid():
    configs = []
    for s in SEEDS:
        x = randn((4, 5), s)
        x[0] += 1000.0
        x[2] -= 1000.0
        configs.append(((x,), {"dim": -1}, f"row maxima ≈ +1000 and −1000 in one batch, seed={s}"))
    return configs


def log_gap_grid():
    configs = []
    for s in SEEDS:
        x = randn((3, 4), s)
        x[:, 0] += 1000.0
        x[:, 1] -= 1000.0
        configs.append(((x,), {"dim": -1}, f"gaps ≥ 1000 within a row, seed={s}"))
    return configs


def ce_grid(reduction=None, *, dtype=torch.float64, tdtype=torch.int64, scale=2.0,
            sizes=((1, 2), (3, 5), (8, 10), (16, 3))):
    configs = []
    for n, c in sizes:
        for seed in SEEDS:
            kwargs = {} if reduction is None else {"reduction": reduction}
            args = (randn((n, c), seed, scale=scale, dtype=dtype), targets(n, c, seed, tdtype))
            configs.append((args, kwargs, f"N={n}, C={c}, reduction={reduction or 'default'}, "
                                          f"target {str(tdtype).removeprefix('torch.')}, seed={seed}"))
    return configs


def mse_grid(reduction=None, dtype=torch.float64):
    configs = []
    for shape in [(5,), (4, 3), (2, 3, 4)]:
        for seed in SEEDS:
            kwargs = {} if reduction is None else {"reduction": reduction}
            args = (randn(shape, seed, dtype=dtype), randn(shape, seed + 10, dtype=dtype))
            configs.append((args, kwargs, f"shape={shape}, reduction={reduction or 'default'}, seed={seed}"))
    return configs


def gaussian_grid(kind: str, dtype=torch.float64):
    configs = []
    for shape in [(6,), (4, 3)]:
        for seed in SEEDS:
            y, mu = randn(shape, seed, dtype=dtype), randn(shape, seed + 20, dtype=dtype)
            if kind == "float":
                sigma = 0.5 + seed * 0.75
            elif kind == "tensor":
                sigma = (randn(shape[-1:], seed + 30).abs() + 0.3).to(dtype)
            else:
                sigma = 1.0
            configs.append(((y, mu, sigma), {}, f"shape={shape}, sigma={kind if kind != 'unit' else 1.0}, seed={seed}"))
    return configs


def bernoulli_grid(dtype=torch.float64):
    configs = []
    for shape in [(8,), (4, 5)]:
        for seed in SEEDS:
            g = torch.Generator().manual_seed(3000 + seed)
            p = (torch.rand(shape, generator=g, dtype=torch.float64) * 0.98 + 0.01).to(dtype)
            y = (torch.rand(shape, generator=g, dtype=torch.float64) > 0.5).to(dtype)
            configs.append(((p, y), {}, f"shape={shape}, seed={seed}"))
    return configs


def ce_grad_grid(*, dtype=torch.float64, scale=2.0, shift=0.0):
    configs = []
    for n, c in [(1, 2), (4, 3), (10, 7)]:
        for seed in SEEDS:
            args = (randn((n, c), seed, scale=scale, shift=shift, dtype=dtype), targets(n, c, seed))
            configs.append((args, {}, f"N={n}, C={c}, seed={seed}"))
    return configs


def cuda_variant(configs):
    """The same configurations, run on CUDA when the grading machine has it."""
    return configs[:3]


def cases():
    f32 = torch.float32
    # library reimplementations are forbidden with torch's own: scipy.special.softmax/logsumexp,
    # sklearn's log_loss / mean_squared_error, scipy.stats' densities
    softmax_family = dict(forbid=["softmax", "log_softmax", "logsumexp"], modules=["scipy.special"])
    distributions = dict(modules=["torch.distributions", "scipy.stats"])

    softmax = question("softmax", **softmax_family)
    softmax.values("values", "1·2·3차원 입력의 모든 dim에서 정답과 일치 / softmax matches the reference on 1-D/2-D/3-D inputs, every dim",
                   softmax_grid(), ref_softmax, weight=1.0)
    softmax.values("shift_invariance", "상수를 더해도 결과가 같고 각 행의 합이 1 / softmax(x + c) = softmax(x); rows sum to 1",
                   shifted_grid(), ref_softmax, weight=0.5)
    softmax.values("overflow", "로짓이 모두 800 근처여도 오버플로 없음 / all logits ≈ 800 do not overflow", overflow_grid(), ref_softmax, weight=0.5)
    softmax.values("mixed_extremes", "행 최댓값이 +1000과 −1000 (행마다 최댓값을 빼기) / row maxima +1000 and −1000 (subtract each row's max)",
                   mixed_extremes_grid(), ref_softmax, weight=0.75)
    softmax.values("float32", "float32 입력 → float32 출력 / float32 input gives float32 output (rtol 1e-4)",
                   softmax_grid(f32), ref_softmax, tol=1e-4, weight=0.5)
    softmax.invariants("invariants", "모양·dtype·장치 유지, 입력을 바꾸지 않음 / exact shape, dtype and device kept, input not mutated",
                       softmax_grid()[::4], ref_softmax, weight=0.75)
    softmax.values("cuda", "CUDA 텐서에서도 같은 결과 (0점, GPU 없으면 건너뜀) / same results on CUDA tensors (0 points; skipped without a GPU)",
                   cuda_variant(softmax_grid()), ref_softmax, device="cuda", weight=0.0)

    log_softmax = question("log_softmax", **softmax_family)
    log_softmax.values("values", "모든 모양과 dim에서 정답과 일치 / log_softmax matches the reference on every shape and dim",
                       softmax_grid(), ref_log_softmax, weight=1.0)
    log_softmax.values("large_gaps", "차이가 1000 이상이어도 유한 (언더플로된 0의 로그 없음) / gaps ≥ 1000 stay finite (no log of an underflowed 0)",
                       log_gap_grid(), ref_log_softmax, weight=0.75)
    log_softmax.values("float32", "float32 입력 → float32 출력 / float32 input gives float32 output (rtol 1e-4)",
                       softmax_grid(f32), ref_log_softmax, tol=1e-4, weight=0.25)
    log_softmax.invariants("invariants", "모양·dtype·장치 유지, 입력을 바꾸지 않음 / exact shape, dtype and device kept, input not mutated",
                           softmax_grid()[::4], ref_log_softmax, weight=0.5)

    ce = question("cross_entropy", forbid=["cross_entropy", "nll_loss"], modules=["sklearn.metrics"])
    ce.values("mean", "N개 샘플의 평균 교차 엔트로피 (기본 reduction) / mean cross-entropy over N samples (default reduction)", ce_grid(), ref_cross_entropy,
              weight=1.0)
    ce.values("sum", "reduction='sum' (합) / reduction='sum'", ce_grid("sum"), ref_cross_entropy, weight=0.5)
    ce.values("none", "reduction='none'은 샘플마다 손실 하나, 모양 (N,) / reduction='none' returns one loss per sample, shape (N,)", ce_grid("none"),
              ref_cross_entropy, weight=0.5)
    ce.values("edge_sizes", "N=1과 C=2인 경우 / N=1 and C=2", ce_grid("mean", sizes=((1, 2), (1, 7), (5, 2))), ref_cross_entropy,
              weight=0.5)
    ce.values("int32_targets", "int32 정답 인덱스도 int64처럼 동작 / int32 class indices work like int64", ce_grid("mean", tdtype=torch.int32),
              ref_cross_entropy, weight=0.5)
    ce.values("stability", "크기 1000 정도의 로짓에서도 유한 / logits of magnitude ~1000 stay finite", ce_grid("mean", scale=1000.0),
              ref_cross_entropy, weight=0.5)
    ce.grad("autograd", "손실을 autograd로 미분하면 올바른 기울기 / autograd through your loss gives the true gradient", ce_grid("mean") + ce_grid("sum")[:3],
            ref_cross_entropy, weight=1.0)
    ce.values("float32", "float32 로짓 → float32 손실 / float32 logits give a float32 loss (rtol 1e-4)", ce_grid("mean", dtype=f32),
              ref_cross_entropy, tol=1e-4, weight=0.25)
    ce.invariants("invariants", "모양·dtype 유지, 입력을 바꾸지 않음 / exact shape, dtype kept, inputs not mutated",
                  ce_grid("none")[::3] + ce_grid()[::3], ref_cross_entropy, weight=0.25)
    ce.values("cuda", "CUDA 텐서에서도 같은 결과 (0점, GPU 없으면 건너뜀) / same results on CUDA tensors (0 points; skipped without a GPU)", cuda_variant(ce_grid()),
              ref_cross_entropy, device="cuda", weight=0.0)

    mse = question("mse_loss", forbid=["mse_loss"], modules=["sklearn.metrics"])
    mse.values("mean", "평균 제곱 오차 (기본 reduction) / mean squared error (default reduction)", mse_grid(), ref_mse, weight=0.75)
    mse.values("reductions", "reduction='sum'과 'none' / reduction='sum' and 'none'", mse_grid("sum") + mse_grid("none"), ref_mse, weight=0.5)
    mse.raises("shape_mismatch", "(N, 1)과 (N,)은 브로드캐스팅 대신 ValueError / (N, 1) vs (N,) raises ValueError instead of broadcasting",
               [((randn((n, 1), s), randn((n,), s)), {}, f"pred (N={n}, 1), target ({n},)")
                for n, s in [(4, 0), (1, 1), (7, 2)]] + [((randn((3,), 5), randn((4,), 6)), {}, "pred (3,), target (4,)")],
               "ValueError", weight=0.75)
    mse.values("float32", "float32 입력 → float32 출력 / float32 in, float32 out (rtol 1e-4)", mse_grid(dtype=f32), ref_mse, tol=1e-4, weight=0.25)
    mse.invariants("invariants", "pred와 target을 바꾸지 않음 / pred and target not modified", mse_grid()[::3], ref_mse, weight=0.25)

    gaussian = question("gaussian_nll", **distributions)
    gaussian.values("scalar_sigma", "실수 sigma의 가우시안 NLL 합 (½·log 2π 포함) / summed Gaussian NLL with a float sigma (incl. ½·log 2π)",
                    gaussian_grid("float"), ref_gaussian_nll, weight=0.5)
    gaussian.invariants("invariants", "스칼라, y·mu·sigma를 바꾸지 않음 / a scalar; y, mu and sigma not modified", gaussian_grid("tensor")[::2],
                        ref_gaussian_nll, weight=0.25)
    gaussian.values("tensor_sigma", "y에 브로드캐스트되는 텐서 sigma / sigma as a tensor broadcastable to y", gaussian_grid("tensor"),
                    ref_gaussian_nll, weight=0.5)
    gaussian.values("unit_sigma_is_mse", "sigma = 1이면 ½·SSE + (n/2)·log 2π / with sigma = 1 it is ½·SSE + (n/2)·log 2π", gaussian_grid("unit"),
                    ref_gaussian_nll_unit, weight=0.5)
    gaussian.values("float32", "float32 입력 → float32 출력 / float32 in, float32 out (rtol 1e-4)", gaussian_grid("float", f32),
                    ref_gaussian_nll, tol=1e-4, weight=0.25)

    bernoulli = question("bernoulli_nll", **distributions)
    bernoulli.values("values", "베르누이 NLL 합 / summed Bernoulli NLL", bernoulli_grid(), ref_bernoulli_nll, weight=1.0)
    bernoulli.values("float32", "float32 입력 → float32 출력 / float32 in, float32 out (rtol 1e-4)", bernoulli_grid(f32), ref_bernoulli_nll,
                     tol=1e-4, weight=0.25)
    bernoulli.invariants("invariants", "스칼라 출력, 입력을 바꾸지 않음 / scalar output, inputs not mutated", bernoulli_grid()[::2],
                         ref_bernoulli_nll, weight=0.25)

    grad = question("softmax_ce_grad", no_autograd=True)
    grad.values("values", "모든 N, C에서 (softmax − 원핫) / N / (softmax − onehot) / N for every N, C", ce_grad_grid(), ref_softmax_ce_grad,
                tol=1e-6, weight=1.5)
    grad.values("stability", "로짓이 ±1000 근처여도 기울기가 유한 / logits ≈ ±1000 give a finite gradient",
                ce_grad_grid(scale=1000.0) + ce_grad_grid(shift=800.0), ref_softmax_ce_grad, tol=1e-6, weight=0.5)
    grad.values("float32", "float32 입력 → float32 출력 / float32 in, float32 out (rtol 1e-4)", ce_grad_grid(dtype=f32), ref_softmax_ce_grad,
                tol=1e-4, weight=0.25)
    grad.invariants("invariants", "모양 (N, C), 입력을 바꾸지 않음 / shape (N, C), inputs not mutated", ce_grad_grid()[::2], ref_softmax_ce_grad,
                    weight=0.25)
    return [c for q in (softmax, log_softmax, ce, mse, gaussian, bernoulli, grad) for c in q.cases]
