"""Realistic buggy variants of the week 5 reference: (case it must fail, function, [(old, new)])."""

MUTANTS = {
    # the classic: a slice that is empty when padding is 0
    "conv_unpad_slice_empty_at_p0": ("conv2d/backward_padding0", "conv2d_backward", [
        ("dx = dxp[:, :, p:p + H, p:p + W]", "dx = dxp[:, :, p:-p, p:-p]")]),
    "conv_hard_coded_padding": ("conv2d/forward_grid", "conv2d_forward", [
        ("    s, p = stride, padding\n", "    s, p = stride, 1\n")]),
    "conv_output_size_ignores_stride": ("conv2d/forward_grid", "conv2d_forward", [
        ("H_out = (H + 2 * p - KH) // s + 1", "H_out = H + 2 * p - KH + 1"),
        ("W_out = (W + 2 * p - KW) // s + 1", "W_out = W + 2 * p - KW + 1"),
        ("patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]\n            out +=",
         "patch = xp[:, :, i:i + H_out, j:j + W_out]\n            out +=")]),
    "conv_flipped_kernel": ("conv2d/forward", "conv2d_forward", [
        ('torch.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])',
         'torch.einsum("nchw,fc->nfhw", patch, w[:, :, KH - 1 - i, KW - 1 - j])')]),
    "conv_square_kernel_assumed": ("conv2d/forward_rectangular", "conv2d_forward", [
        ("    F_out, _, KH, KW = w.shape\n", "    F_out, _, KH, _ = w.shape\n    KW = KH\n")]),
    "conv_square_image_assumed": ("conv2d/forward_rectangular", "conv2d_forward", [
        ("W_out = (W + 2 * p - KW) // s + 1", "W_out = (H + 2 * p - KW) // s + 1")]),
    "conv_backward_ignores_stride": ("conv2d/backward_grid", "conv2d_backward", [
        ("dxp[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += ", "dxp[:, :, i:i + H_out, j:j + W_out] += ")]),
    "conv_backward_assigns": ("conv2d/backward", "conv2d_backward", [
        ("dxp[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += ", "dxp[:, :, i:i + s * H_out:s, j:j + s * W_out:s] = ")]),
    "conv_db_keeps_batch": ("conv2d/backward", "conv2d_backward", [
        ("db = dout.sum(dim=(0, 2, 3))", "db = dout.sum(dim=(2, 3)).mean(dim=0)")]),
    "conv_dw_first_image_only": ("conv2d/backward", "conv2d_backward", [
        ('dw[:, :, i, j] = torch.einsum("nfhw,nchw->fc", dout, patch)',
         'dw[:, :, i, j] = torch.einsum("fhw,chw->fc", dout[0], patch[0])')]),
    "conv_bias_on_wrong_axis": ("conv2d/forward", "conv2d_forward", [
        ("out += b.view(1, -1, 1, 1)", "out += b")]),
    "conv_float64_buffer": ("conv2d/float32", "conv2d_forward", [
        ("out = torch.zeros(N, F_out, H_out, W_out, dtype=x.dtype, device=x.device)",
         "out = torch.zeros(N, F_out, H_out, W_out, dtype=torch.float64, device=x.device)")]),
    "conv_library_unfold": ("conv2d/forward", "conv2d_forward", [
        ("    out += b.view(1, -1, 1, 1)\n",
         "    cols = F.unfold(x, (KH, KW), padding=p, stride=s)\n"
         "    out = (w.view(F_out, -1) @ cols).view(N, F_out, H_out, W_out)\n    out += b.view(1, -1, 1, 1)\n")]),
    # pooling
    "pool_assumes_stride_equals_kernel": ("maxpool2d/forward_overlapping", "maxpool2d_forward", [
        ("    s = stride\n", "    s = kh\n")]),
    "pool_backward_assigns_instead_of_accumulating": ("maxpool2d/backward_overlapping", "maxpool2d_backward", [
        ("dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += routed",
         "dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] = torch.where(routed != 0, routed, "
         "dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s])")]),
    "pool_gradient_to_every_maximum": ("maxpool2d/ties", "maxpool2d_forward", [
        ("    cache = (x.shape, kh, kw, s, arg)\n    return best, cache",
         "    cache = (x, best, kh, kw, s)\n    return best, cache"),
        ("    shape, kh, kw, s, arg = cache\n", "    x, best, kh, kw, s = cache\n    shape = x.shape\n"),
        ("routed = torch.where(arg == i * kw + j, dout, torch.zeros_like(dout))",
         "hit = x[:, :, i:i + s * H_out:s, j:j + s * W_out:s] == best\n"
         "            routed = torch.where(hit, dout, torch.zeros_like(dout))")]),
    "pool_last_maximum_on_ties": ("maxpool2d/ties", "maxpool2d_forward", [
        ("better = window > best", "better = window >= best")]),
    "pool_square_window_only": ("maxpool2d/forward_rectangular_uneven", "maxpool2d_forward", [
        ("kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size",
         "kh = kw = kernel_size if isinstance(kernel_size, int) else kernel_size[0]")]),
    "pool_ceil_output_size": ("maxpool2d/forward_rectangular_uneven", "maxpool2d_forward", [
        ("    H_out = (H - kh) // s + 1\n    W_out = (W - kw) // s + 1\n",
         "    H_out = math.ceil(H / s) if H % s else H // s\n    W_out = math.ceil(W / s) if W % s else W // s\n"
         "    H_out, W_out = min(H_out, (H - kh) // s + 1 + (H % s > 0)), min(W_out, (W - kw) // s + 1 + (W % s > 0))\n"
         "    x = F.pad(x, (0, max(0, (W_out - 1) * s + kw - W), 0, max(0, (H_out - 1) * s + kh - H)),"
         " value=float('-inf'))\n")]),
    # the CNN
    "cnn_without_convolution": ("train_small_cnn/structure", "SmallCNN", [
        ("nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),\n            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), "
         "nn.MaxPool2d(2))",
         "nn.Flatten(), nn.Linear(64, 64 * 4 * 4), nn.ReLU(), nn.Unflatten(1, (64, 4, 4)))")]),
    "cnn_trained_one_epoch_at_tiny_lr": ("train_small_cnn/accuracy", "SmallCNN", [
        ("epochs, batch = 20, 64", "epochs, batch = 1, 64"),
        ("lr=3e-3)", "lr=1e-4)")]),
}

# Correct solutions written another way (as students do): each must get full marks.
ALTERNATIVES = {
    "naive_loops_and_argmax": {
        "conv2d_forward": '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F_, _, HH, WW = w.shape
    xp = torch.nn.functional.pad(x, (padding, padding, padding, padding))
    Ho = 1 + (H + 2 * padding - HH) // stride
    Wo = 1 + (W + 2 * padding - WW) // stride
    out = x.new_zeros((N, F_, Ho, Wo))
    for n in range(N):
        for f in range(F_):
            for i in range(Ho):
                for j in range(Wo):
                    hs, ws = i * stride, j * stride
                    out[n, f, i, j] = (xp[n, :, hs:hs + HH, ws:ws + WW] * w[f]).sum() + b[f]
    return out, (x, w, b, stride, padding)


def conv2d_backward(dout, cache):
    x, w, b, stride, padding = cache
    N, C, H, W = x.shape
    F_, _, HH, WW = w.shape
    xp = torch.nn.functional.pad(x, (padding, padding, padding, padding))
    dxp = torch.zeros_like(xp)
    dw = torch.zeros_like(w)
    for n in range(N):
        for f in range(F_):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    hs, ws = i * stride, j * stride
                    dw[f] += xp[n, :, hs:hs + HH, ws:ws + WW] * dout[n, f, i, j]
                    dxp[n, :, hs:hs + HH, ws:ws + WW] += w[f] * dout[n, f, i, j]
    dx = dxp[:, :, padding:padding + H, padding:padding + W]
    return dx, dw, dout.sum(dim=(0, 2, 3))
''',
        "maxpool2d_forward": '''
def maxpool2d_forward(x, kernel_size, stride):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    N, C, H, W = x.shape
    Ho, Wo = (H - kh) // stride + 1, (W - kw) // stride + 1
    out = x.new_empty((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            window = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = window.reshape(N, C, -1).max(dim=2).values
    return out, (x, kh, kw, stride)


def maxpool2d_backward(dout, cache):
    x, kh, kw, stride = cache
    N, C, H, W = x.shape
    dx = torch.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].reshape(N, C, -1)
            first = window.argmax(dim=2)  # torch returns the first maximum
            r, c = first // kw, first % kw
            for n in range(N):
                for ch in range(C):
                    dx[n, ch, i * stride + r[n, ch], j * stride + c[n, ch]] += dout[n, ch, i, j]
    return dx
''',
    },
}

# the catalogue's hint each mutant must get (../shared/specs/hints.md); the others' classes are not in it
HINTS = {
    "conv_unpad_slice_empty_at_p0": "conv2d.padding",
    "conv_hard_coded_padding": "conv2d.padding",
    "conv_output_size_ignores_stride": "conv2d.stride",
    "conv_square_kernel_assumed": "conv2d.non-square",
    "conv_square_image_assumed": "conv2d.non-square",
    "conv_backward_ignores_stride": "conv2d.stride",
    "conv_backward_assigns": "conv2d.backward-overwrite",
    "conv_db_keeps_batch": "conv2d.db-axes",
    "conv_float64_buffer": "conv2d.dtype-changed",
    "conv_library_unfold": "conv2d.forbidden-call",
    "pool_assumes_stride_equals_kernel": "maxpool2d.stride",
    "pool_backward_assigns_instead_of_accumulating": "maxpool2d.backward-overwrite",
    "pool_square_window_only": "maxpool2d.non-square",
}
