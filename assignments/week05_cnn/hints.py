"""Week 5 hints (see autograder.casekit.hints): each variant is the reference's loop algorithm
with one mistake, computed by the grader in float64; where the mistake makes shapes disagree,
the variant raises as the student's code does (its answer is "raises")."""

from __future__ import annotations

from functools import partial

import torch
import torch.nn.functional as F

from autograder.casekit.hints import as64, answer, any_of, autograd_backward, buggy_backward, rule, variant

FB = "forward_backward"


# -- convolution -------------------------------------------------------------------------------
def _conv(x, w, b, stride=1, padding=0, *, pad=None, ignore_stride=False, kw_from_kh=False, w_out_from_h=False):
    N, C, H, W = x.shape
    F_out, _, KH, KW = w.shape
    if kw_from_kh:
        KW = KH
    s, p = (1 if ignore_stride else stride), (padding if pad is None else pad)
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype)
    xp[:, :, p:p + H, p:p + W] = x
    H_out = (H + 2 * p - KH) // s + 1
    W_out = ((H if w_out_from_h else W) + 2 * p - KW) // s + 1
    out = torch.zeros(N, F_out, H_out, W_out, dtype=x.dtype)
    for i in range(KH):
        for j in range(KW):
            out += torch.einsum("nchw,fc->nfhw", xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s], w[:, :, i, j])
    return out + b.view(1, -1, 1, 1)


def _conv_backward(x, w, b, stride=1, padding=0, *, dout, dx_stride_ignored=False, assign=False, empty_unpad=False,
                   db_axes=(0, 2, 3), db_mean_batch=False):
    s, p = stride, padding
    N, C, H, W = x.shape
    _, _, KH, KW = w.shape
    H_out, W_out = dout.shape[2], dout.shape[3]
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype)
    xp[:, :, p:p + H, p:p + W] = x
    dxp, dw = torch.zeros_like(xp), torch.zeros_like(w)
    for i in range(KH):
        for j in range(KW):
            dw[:, :, i, j] = torch.einsum("nfhw,nchw->fc", dout, xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s])
            part = torch.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
            where = (slice(None), slice(None), slice(i, i + H_out), slice(j, j + W_out)) if dx_stride_ignored else \
                (slice(None), slice(None), slice(i, i + s * H_out, s), slice(j, j + s * W_out, s))
            if assign:
                dxp[where] = part
            else:
                dxp[where] += part
    dx = dxp[:, :, p:-p, p:-p] if empty_unpad else dxp[:, :, p:p + H, p:p + W]
    db = dout.sum(dim=(2, 3)).mean(dim=0) if db_mean_batch else dout.sum(dim=db_axes)
    return dx, dw, db


def _fb(**bug):
    def of(call):
        _, args, kwargs, dout = call.args
        try:
            return {"grads": _conv_backward(*as64(args), **as64(kwargs), dout=as64(dout), **bug)}
        except (RuntimeError, IndexError):
            return None  # this configuration cannot show the mistake
    return of


def _conv_variant(**bug):
    return variant(answer(lambda *a, **k: _conv(*a, **k, **bug)), part=0)


# -- max pooling ---------------------------------------------------------------------------------
def _pool_backward(x, kernel_size, stride, *, dout, mode):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    s = stride
    H_out, W_out = dout.shape[2], dout.shape[3]
    best, arg = None, torch.zeros(dout.shape, dtype=torch.long)
    for i in range(kh):
        for j in range(kw):
            window = x[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            if best is None:
                best = window.clone()
                continue
            better = window > best
            best = torch.where(better, window, best)
            arg = torch.where(better, torch.full_like(arg, i * kw + j), arg)
    dx = torch.zeros(x.shape, dtype=dout.dtype)
    for i in range(kh):
        for j in range(kw):
            routed = torch.where(arg == i * kw + j, dout, torch.zeros_like(dout))
            view = dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            if mode == "assign":
                dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] = routed
            else:  # "where": a routed value replaces what an earlier window wrote
                dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] = torch.where(routed != 0, routed, view)
    return dx


def _square(k):
    return k if isinstance(k, int) else (k[0], k[0])


def hints(cases) -> list:
    conv_right, pool_right = autograd_backward(cases.ref_conv, 3), autograd_backward(cases.ref_pool, 1)
    return [
        rule("conv2d.padding",
             "padding 인자를 제대로 쓰지 않았습니다 (무시했거나, 고정값이거나, 역전파에서 패딩을 잘라 낼 때 p = 0이면 "
             "빈 슬라이스가 됨: `[p:-p]` 대신 `[p:p + H]`)",
             "`padding` is not applied as given: ignored, hard-coded, or cut back wrongly in the backward "
             "(`[p:-p]` is empty when p = 0; use `[p:p + H]`)",
             any_of(_conv_variant(pad=0), _conv_variant(pad=1),
                    variant(_fb(empty_unpad=True), conv_right, driver=FB))),
        rule("conv2d.stride",
             "출력 크기나 창의 위치가 stride를 무시합니다: H_out = (H + 2p − KH) // s + 1, 창은 s칸씩 이동합니다",
             "The output size or the window positions ignore the stride: H_out = (H + 2p − KH) // s + 1 and "
             "windows move s at a time",
             any_of(_conv_variant(ignore_stride=True),
                    variant(_fb(dx_stride_ignored=True), conv_right, driver=FB))),
        rule("conv2d.non-square",
             "커널이나 입력이 정사각형이라고 가정했습니다. KH와 KW, H와 W를 따로 쓰세요",
             "A square kernel or input is assumed: use KH and KW, H and W separately",
             any_of(_conv_variant(kw_from_kh=True), _conv_variant(w_out_from_h=True))),
        rule("conv2d.db-axes",
             "db는 배치·높이·너비 축 (0, 2, 3) 전체에 대해 더해야 합니다",
             "`db` is summed over the batch, height and width axes (0, 2, 3)",
             any_of(variant(_fb(db_mean_batch=True), conv_right, driver=FB),
                    variant(_fb(db_axes=(2, 3)), conv_right, driver=FB),
                    variant(_fb(db_axes=(0,)), conv_right, driver=FB))),
        rule("conv2d.backward-overwrite",
             "창이 겹치는 곳에서 dx를 대입(=)했습니다. 각 창의 기여를 누적(+=)해야 합니다",
             "`dx` is assigned (`=`) where windows overlap: accumulate (`+=`) every window's contribution",
             variant(_fb(assign=True), conv_right, driver=FB)),
        rule("maxpool2d.stride",
             "stride를 커널 크기와 같다고 가정했습니다. 창은 stride만큼 이동합니다 (겹칠 수 있음)",
             "The stride is taken to be the kernel size: windows move by `stride` (they may overlap)",
             variant(answer(lambda x, k, s: F.max_pool2d(x, k, k)), part=0)),
        rule("maxpool2d.non-square",
             "풀링 창이 정사각형이라고 가정했습니다. kernel_size가 (kh, kw)이면 둘을 따로 쓰세요",
             "A square pooling window is assumed: a `kernel_size` of (kh, kw) has two sizes",
             variant(answer(lambda x, k, s: F.max_pool2d(x, _square(k), s)), part=0)),
        rule("maxpool2d.backward-overwrite",
             "창이 겹치는 곳에서 dx를 대입했습니다. 같은 원소가 여러 창의 최댓값이면 기울기를 더해야 합니다",
             "`dx` is assigned where windows overlap: an element that is the maximum of several windows gets the "
             "sum of their gradients",
             any_of(variant(buggy_backward(partial(_pool_backward, mode="where")), pool_right, driver=FB), variant(buggy_backward(partial(_pool_backward, mode="assign")), pool_right, driver=FB))),
    ]
