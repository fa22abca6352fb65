"""Week 5 hidden cases — convolution, max pooling and a small CNN on digits (25 points).

References are torch's own float64 ``F.conv2d``/``F.max_pool2d`` and their autograd, computed
by the grader. The grid is where real solutions break: padding 0, stride 2, rectangular
kernels and images, overlapping or rectangular pooling windows, sizes that do not divide
evenly, and ties inside a pooling window. The hidden digits labels never enter the sandbox.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

from autograder.casekit.checks import accuracy_check, backward_check, backward_grid, randn
from autograder.casekit.compare import describe
from autograder.casekit.question import question

SEEDS = (0, 1, 2)
F32 = torch.float32
DIGITS_SPLIT_SEED = 5555  # fixes which 1,200 digits are training data and which 597 are hidden
CNN_THRESHOLD = 0.97  # the reference reaches 0.98-0.99 on every seed


# -- convolution -------------------------------------------------------------------------------
def ref_conv(x, w, b, stride=1, padding=0):
    return F.conv2d(x, w, b, stride=stride, padding=padding)


def conv_config(n, c, hw, f, khw, stride, padding, seed, dtype=torch.float64):
    x = randn((n, c, *hw), seed, dtype=dtype)
    w = randn((f, c, *khw), seed + 10, scale=0.5, dtype=dtype)
    b = randn((f,), seed + 20, dtype=dtype)
    label = (f"stride={stride}, padding={padding}, kernel={khw[0]}×{khw[1]}, x {(n, c, *hw)}, "
             f"{f} filters, seed={seed}")
    return (x, w, b), {"stride": stride, "padding": padding}, label


def conv_basic(dtype=torch.float64):
    """The one configuration most students test: 3×3, padding 1, stride 1 — and the signature's
    defaults (stride=1, padding=0) once, called without them (the audit found them untested)."""
    args, _, label = conv_config(2, 3, (6, 6), 4, (3, 3), 1, 0, 0, dtype)
    return [conv_config(2, 3, (6, 6), 4, (3, 3), 1, 1, seed, dtype) for seed in SEEDS] + \
        [(args, {}, label.replace("stride=1, padding=0", "stride and padding left at their defaults (1, 0)"))]


def conv_grid(strides=(1, 2), paddings=(0, 1, 2), kernels=(1, 2, 3, 5), dtype=torch.float64):
    """stride × padding × kernel on an image with H ≠ W; seeds rotate through the grid."""
    return [conv_config(2, 3, (9, 7), 4, (k, k), s, p, SEEDS[i % 3], dtype)
            for i, (s, p, k) in enumerate(itertools.product(strides, paddings, kernels))]


def conv_rect(dtype=torch.float64):
    """Rectangular kernels on rectangular images, a single image and a single input channel."""
    shapes = [(1, 1, (6, 11), 2, (3, 1)), (1, 1, (6, 11), 3, (1, 3)), (2, 1, (7, 10), 2, (2, 5)),
              (1, 2, (10, 7), 3, (5, 2)), (1, 3, (5, 8), 1, (3, 4))]
    return [conv_config(n, c, hw, f, khw, s, p, SEEDS[i % 3], dtype)
            for i, ((n, c, hw, f, khw), (s, p)) in enumerate(itertools.product(shapes, [(1, 0), (2, 1)]))]


# -- max pooling -------------------------------------------------------------------------------
def ref_pool(x, kernel_size, stride):
    return F.max_pool2d(x, kernel_size, stride)


def _pair(k):
    return (k, k) if isinstance(k, int) else tuple(k)


def pool_config(shape, kernel, stride, seed, dtype=torch.float64, *, ties=False):
    if ties:  # small integers: most windows hold their maximum more than once
        g = torch.Generator().manual_seed(2000 + seed)
        x = torch.randint(-1, 2, shape, generator=g).to(dtype)
    else:
        x = randn(shape, seed, dtype=dtype)
    kh, kw = _pair(kernel)
    label = f"kernel_size={kernel!r} ({kh}×{kw}), stride={stride}, x {shape}, seed={seed}"
    return (x, kernel, stride), {}, label + (", values in {-1, 0, 1} (ties)" if ties else "")


def pool_basic(dtype=torch.float64):
    return [pool_config((2, 3, 8, 8), 2, 2, seed, dtype) for seed in SEEDS]


def pool_overlap(dtype=torch.float64, ties=False):
    return [pool_config(shape, k, s, SEEDS[i % 3], dtype, ties=ties)
            for i, (shape, k, s) in enumerate([((2, 3, 9, 9), 3, 2), ((2, 2, 6, 6), 2, 1), ((1, 2, 8, 7), 3, 1),
                                               ((2, 1, 7, 7), 3, 2)])]


def pool_rect_uneven(dtype=torch.float64):
    settings = [((2, 3, 7, 5), 2, 2), ((2, 2, 8, 10), 3, 3), ((1, 3, 9, 8), (2, 3), 2), ((2, 2, 7, 9), (3, 2), 1),
                ((1, 1, 11, 6), (1, 3), 2)]
    return [pool_config(shape, k, s, SEEDS[i % 3], dtype) for i, (shape, k, s) in enumerate(settings)]


# -- digits ------------------------------------------------------------------------------------
@functools.cache
def digits_images():
    X, y = load_digits(return_X_y=True)
    order = np.random.RandomState(DIGITS_SPLIT_SEED).permutation(len(y))
    X = torch.tensor(X[order] / 16.0, dtype=torch.float32).view(-1, 1, 8, 8)
    y = torch.tensor(y[order], dtype=torch.int64)
    return (X[:1200], y[:1200]), (X[1200:], y[1200:])


def digits_configs(seeds):
    (Xtr, ytr), (Xte, _) = digits_images()
    return [(((Xtr, ytr, seed), [Xte]), {}, f"seed={seed}") for seed in seeds]


def hidden_labels(call):
    return digits_images()[1][1]


def has_conv(check=None):
    """The model holds an ``nn.Conv2d``; then ``check`` (if any) judges the rest."""
    def judge(call, obs):
        layers = obs.output.get("layers") if isinstance(obs.output, dict) else None
        if not isinstance(layers, list) or "Conv2d" not in layers:
            return f"the model has no nn.Conv2d (its torch layers: {', '.join(layers or []) or 'none'})"
        return check(call, obs) if check else None
    return judge


def structure_check(call, obs):
    out = obs.output.get("output") if isinstance(obs.output, dict) else None
    expected = (call.args[0].shape[0], 10)
    if getattr(out, "shape", None) != expected:
        return f"SmallCNN()(x) for x {tuple(call.args[0].shape)} gave {describe(out)}, expected shape {expected}"
    return None


def cuda_variant(configs):
    return configs[:3]


def cases():
    def conv_fb(configs):
        return backward_grid("conv2d_backward", ref_conv, configs)

    def pool_fb(configs):
        return backward_grid("maxpool2d_backward", ref_pool, configs)

    conv_grads = backward_check(ref_conv, ("dx", "dw", "db"))
    pool_grad = backward_check(ref_pool, ("dx",))
    stride1_pad0 = conv_grid(strides=(1,), paddings=(0,))
    # "conv" covers conv1d/2d/3d, conv_transpose*, conv_tbc; unfold/fold are im2col done by torch
    conv2d = question("conv2d", fn="conv2d_forward", forbid=["conv", "convolution", "unfold", "fold"],
                      modules=["scipy.signal", "scipy.ndimage", "torch.nn.grad"])
    conv2d.values("forward", "3×3 커널, 패딩 1, 스트라이드 1 (흔한 설정) / 3×3 kernel, padding 1, stride 1 (the usual configuration)", conv_basic(),
                  ref_conv, part=0, weight=1.5)
    conv2d.values("forward_grid", "스트라이드 {1,2} × 패딩 {0,1,2} × 커널 {1,2,3,5}, H ≠ W / stride {1,2} × padding {0,1,2} × kernel {1,2,3,5}, H ≠ W", conv_grid(),
                  ref_conv, part=0, weight=2.0)
    conv2d.values("forward_rectangular", "직사각형 커널과 이미지, N = 1, C_in = 1 / rectangular kernels and images, N = 1, C_in = 1", conv_rect(),
                  ref_conv, part=0, weight=1.5)
    conv2d.driven("backward", "3×3, 패딩 1, 스트라이드 1에서 dx, dw, db / dx, dw, db for 3×3, padding 1, stride 1", conv_fb(conv_basic()), conv_grads,
                  driver="forward_backward", weight=1.5)
    conv2d.driven("backward_padding0", "패딩 0, 커널 1·2·3·5에서 dx, dw, db / dx, dw, db at padding 0, kernels 1, 2, 3, 5", conv_fb(stride1_pad0),
                  conv_grads, driver="forward_backward", weight=1.5)
    conv2d.driven("backward_grid", "스트라이드 × 패딩 × 커널 전체에서 dx, dw, db / dx, dw, db over stride × padding × kernel", conv_fb(conv_grid()),
                  conv_grads, driver="forward_backward", weight=1.5)
    conv2d.driven("backward_rectangular", "직사각형 커널과 이미지에서 dx, dw, db / dx, dw, db for rectangular kernels and images", conv_fb(conv_rect()),
                  conv_grads, driver="forward_backward", weight=1.0)
    conv2d.driven("float32", "순전파·역전파 모두 float32 입력 → float32 출력 / float32 in, float32 out, forward and backward (rtol 1e-4)",
                  conv_fb(conv_basic(F32)[:1] + conv_grid(strides=(2,), paddings=(0,), dtype=F32)),
                  backward_check(ref_conv, ("dx", "dw", "db"), tol=1e-4), driver="forward_backward", weight=0.5)
    conv2d.invariants("invariants", "출력 모양이 정확히 (N, F, H_out, W_out), 입력을 바꾸지 않음 / output exactly (N, F, H_out, W_out), inputs not mutated",
                      conv_grid()[::4] + conv_rect()[::3], ref_conv, part=0, weight=0.5)
    conv2d.values("cuda", "CUDA 텐서에서도 같은 결과 (0점, GPU 없으면 건너뜀) / same results on CUDA tensors (0 points; skipped without a GPU)",
                  cuda_variant(conv_grid()), ref_conv, part=0, device="cuda", weight=0.0)

    maxpool2d = question("maxpool2d", fn="maxpool2d_forward", forbid=["max_pool", "max_unpool"])
    maxpool2d.values("forward", "2×2 창, 스트라이드 2 / 2×2 windows, stride 2", pool_basic(), ref_pool, part=0, weight=1.0)
    maxpool2d.values("forward_overlapping", "겹치는 창: 3×3 스트라이드 2, 2×2 스트라이드 1 / overlapping windows: 3×3 stride 2, 2×2 stride 1", pool_overlap(),
                     ref_pool, part=0, weight=1.0)
    maxpool2d.values("forward_rectangular_uneven", "(kh, kw) 창, 나누어떨어지지 않는 크기 / (kh, kw) windows; sizes that do not divide evenly",
                     pool_rect_uneven(), ref_pool, part=0, weight=1.0)
    maxpool2d.driven("backward", "2×2 창, 스트라이드 2에서 dx / dx for 2×2 windows, stride 2", pool_fb(pool_basic()), pool_grad,
                     driver="forward_backward", weight=1.0)
    maxpool2d.invariants("invariants", "출력 모양이 정확히 (N, C, H_out, W_out), x를 바꾸지 않음 / output exactly (N, C, H_out, W_out); x not modified", pool_overlap(),
                         ref_pool, part=0, weight=0.25)
    maxpool2d.driven("backward_overlapping", "겹치는 창의 기울기는 누적 / overlapping windows accumulate their gradients",
                     pool_fb(pool_overlap()), pool_grad, driver="forward_backward", weight=1.25)
    maxpool2d.driven("backward_rectangular_uneven", "(kh, kw) 창과 남는 행·열에서 dx / dx for (kh, kw) windows and leftover rows/columns",
                     pool_fb(pool_rect_uneven()), pool_grad, driver="forward_backward", weight=1.0)
    maxpool2d.driven("ties", "최댓값이 여럿인 창은 첫 번째로 기울기를 보냄 / a window with several maxima sends the gradient to the first one",
                     pool_fb(pool_overlap(ties=True)[:2] + [pool_config((2, 2, 6, 6), 2, 2, 1, ties=True)]),
                     pool_grad, driver="forward_backward", weight=0.5)
    maxpool2d.driven("float32", "순전파·역전파 모두 float32 입력 → float32 출력 / float32 in, float32 out, forward and backward", pool_fb(pool_overlap(F32)[:2]),
                     backward_check(ref_pool, ("dx",), tol=1e-4), driver="forward_backward", weight=0.5)
    maxpool2d.values("cuda", "CUDA 텐서에서도 같은 결과 (0점, GPU 없으면 건너뜀) / same results on CUDA tensors (0 points; skipped without a GPU)",
                     cuda_variant(pool_overlap()), ref_pool, part=0, device="cuda", weight=0.0)

    train_small_cnn = question("train_small_cnn", fn="SmallCNN")
    train_small_cnn.driven("structure", "SmallCNN()에 nn.Conv2d가 있고 (N,1,8,8)을 (N,10)으로 / SmallCNN() holds an nn.Conv2d and maps (N,1,8,8) to (N,10)",
                           [((torch.rand(5, 1, 8, 8, generator=torch.Generator().manual_seed(3)),), {}, "x (5, 1, 8, 8)")],
                           has_conv(structure_check), driver="build_module", weight=1.0)
    train_small_cnn.driven("accuracy", f"시드 3개 모두 비공개 이미지 정확도 ≥ {CNN_THRESHOLD} / hidden-image accuracy ≥ {CNN_THRESHOLD} for each of 3 seeds",
                           digits_configs(SEEDS),
                           has_conv(accuracy_check(hidden_labels, CNN_THRESHOLD, what="hidden-image")),
                           driver="train_model", timeout=120, fn="train_small_cnn", weight=5.0)

    return [c for q in (conv2d, maxpool2d, train_small_cnn) for c in q.cases]
