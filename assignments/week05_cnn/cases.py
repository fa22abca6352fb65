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

from autograder.casekit import ForbiddenSpec
from autograder.casekit.builders import driver_case, invariants_case, values_case
from autograder.casekit.checks import accuracy_check, backward_check, backward_grid, randn
from autograder.casekit.compare import describe

SEEDS = (0, 1, 2)
F32 = torch.float32
DIGITS_SPLIT_SEED = 5555  # fixes which 1,200 digits are training data and which 597 are hidden
CNN_THRESHOLD = 0.97  # the reference reaches 0.98-0.99 on every seed

CONV_FORBIDDEN = ForbiddenSpec(
    ops=frozenset({"conv1d", "conv2d", "conv3d", "convolution", "_convolution", "conv_transpose1d",
                   "conv_transpose2d", "conv_transpose3d", "conv_tbc", "unfold", "fold"}),
    modules=("scipy.signal", "scipy.ndimage", "torch.nn.grad"))
POOL_FORBIDDEN = ForbiddenSpec(ops=frozenset({
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
    "max_pool3d_with_indices", "adaptive_max_pool2d", "fractional_max_pool2d", "max_unpool2d"}))


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
    return [
        # conv2d — 11.5 points
        values_case("conv2d/forward", "3×3 kernel, padding 1, stride 1 (the usual configuration)", 1.5,
                    "conv2d_forward", conv_basic(), ref_conv, part=0, forbidden=CONV_FORBIDDEN),
        values_case("conv2d/forward_grid", "stride {1,2} × padding {0,1,2} × kernel {1,2,3,5}, H ≠ W", 2.0,
                    "conv2d_forward", conv_grid(), ref_conv, part=0, forbidden=CONV_FORBIDDEN),
        values_case("conv2d/forward_rectangular", "rectangular kernels and images, N = 1, C_in = 1", 1.5,
                    "conv2d_forward", conv_rect(), ref_conv, part=0, forbidden=CONV_FORBIDDEN),
        driver_case("conv2d/backward", "dx, dw, db for 3×3, padding 1, stride 1", 1.5, "conv2d_forward",
                    conv_fb(conv_basic()), conv_grads, driver="forward_backward", forbidden=CONV_FORBIDDEN),
        driver_case("conv2d/backward_padding0", "dx, dw, db at padding 0, kernels 1, 2, 3, 5", 1.5,
                    "conv2d_forward", conv_fb(stride1_pad0), conv_grads, driver="forward_backward",
                    forbidden=CONV_FORBIDDEN),
        driver_case("conv2d/backward_grid", "dx, dw, db over stride × padding × kernel", 1.5, "conv2d_forward",
                    conv_fb(conv_grid()), conv_grads, driver="forward_backward", forbidden=CONV_FORBIDDEN),
        driver_case("conv2d/backward_rectangular", "dx, dw, db for rectangular kernels and images", 1.0,
                    "conv2d_forward", conv_fb(conv_rect()), conv_grads, driver="forward_backward",
                    forbidden=CONV_FORBIDDEN),
        driver_case("conv2d/float32", "float32 in, float32 out, forward and backward (rtol 1e-4)", 0.5,
                    "conv2d_forward", conv_fb(conv_basic(F32)[:1] + conv_grid(strides=(2,), paddings=(0,), dtype=F32)),
                    backward_check(ref_conv, ("dx", "dw", "db"), tol=1e-4), driver="forward_backward",
                    forbidden=CONV_FORBIDDEN),
        invariants_case("conv2d/invariants", "output exactly (N, F, H_out, W_out), inputs not mutated", 0.5,
                        "conv2d_forward", conv_grid()[::4] + conv_rect()[::3], ref_conv, part=0,
                        forbidden=CONV_FORBIDDEN),
        values_case("conv2d/cuda", "same results on CUDA tensors (0 points; skipped without a GPU)", 0.0,
                    "conv2d_forward", cuda_variant(conv_grid()), ref_conv, part=0, forbidden=CONV_FORBIDDEN,
                    device="cuda"),
        # maxpool2d — 7.5 points
        values_case("maxpool2d/forward", "2×2 windows, stride 2", 1.0, "maxpool2d_forward", pool_basic(),
                    ref_pool, part=0, forbidden=POOL_FORBIDDEN),
        values_case("maxpool2d/forward_overlapping", "overlapping windows: 3×3 stride 2, 2×2 stride 1", 1.0,
                    "maxpool2d_forward", pool_overlap(), ref_pool, part=0, forbidden=POOL_FORBIDDEN),
        values_case("maxpool2d/forward_rectangular_uneven", "(kh, kw) windows; sizes that do not divide evenly",
                    1.0, "maxpool2d_forward", pool_rect_uneven(), ref_pool, part=0, forbidden=POOL_FORBIDDEN),
        driver_case("maxpool2d/backward", "dx for 2×2 windows, stride 2", 1.0, "maxpool2d_forward",
                    pool_fb(pool_basic()), pool_grad, driver="forward_backward", forbidden=POOL_FORBIDDEN),
        invariants_case("maxpool2d/invariants", "output exactly (N, C, H_out, W_out); x not modified", 0.25,
                        "maxpool2d_forward", pool_overlap(), ref_pool, part=0, forbidden=POOL_FORBIDDEN),
        driver_case("maxpool2d/backward_overlapping", "overlapping windows accumulate their gradients", 1.25,
                    "maxpool2d_forward", pool_fb(pool_overlap()), pool_grad, driver="forward_backward",
                    forbidden=POOL_FORBIDDEN),
        driver_case("maxpool2d/backward_rectangular_uneven", "dx for (kh, kw) windows and leftover rows/columns",
                    1.0, "maxpool2d_forward", pool_fb(pool_rect_uneven()), pool_grad, driver="forward_backward",
                    forbidden=POOL_FORBIDDEN),
        driver_case("maxpool2d/ties", "a window with several maxima sends the gradient to the first one", 0.5,
                    "maxpool2d_forward", pool_fb(pool_overlap(ties=True)[:2] + [pool_config((2, 2, 6, 6), 2, 2, 1,
                                                                                            ties=True)]),
                    pool_grad, driver="forward_backward", forbidden=POOL_FORBIDDEN),
        driver_case("maxpool2d/float32", "float32 in, float32 out, forward and backward", 0.5, "maxpool2d_forward",
                    pool_fb(pool_overlap(F32)[:2]), backward_check(ref_pool, ("dx",), tol=1e-4),
                    driver="forward_backward", forbidden=POOL_FORBIDDEN),
        values_case("maxpool2d/cuda", "same results on CUDA tensors (0 points; skipped without a GPU)", 0.0,
                    "maxpool2d_forward", cuda_variant(pool_overlap()), ref_pool, part=0,
                    forbidden=POOL_FORBIDDEN, device="cuda"),
        # SmallCNN on digits — 6 points
        driver_case("train_small_cnn/structure", "SmallCNN() holds an nn.Conv2d and maps (N,1,8,8) to (N,10)",
                    1.0, "SmallCNN", [((torch.rand(5, 1, 8, 8, generator=torch.Generator().manual_seed(3)),), {},
                                      "x (5, 1, 8, 8)")], has_conv(structure_check), driver="build_module"),
        driver_case("train_small_cnn/accuracy", f"hidden-image accuracy ≥ {CNN_THRESHOLD} for each of 3 seeds",
                    5.0, "train_small_cnn", digits_configs(SEEDS),
                    has_conv(accuracy_check(hidden_labels, CNN_THRESHOLD, what="hidden-image")),
                    driver="train_model", timeout=120),
    ]
