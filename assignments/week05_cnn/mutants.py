"""Week 5's proof: realistic buggy variants of the week 5 reference: (case it must fail, function, [(old, new)]).

Read by autograder.casekit.proof: MUTANTS (name → the case it must fail, {definition: new
source}), ALTERNATIVES (correct solutions in students' styles: full marks, no hint) and HINTS (the
catalogue hint each mutant must get)."""


MUTANTS = {
    'conv_unpad_slice_empty_at_p0': ('conv2d/backward_padding0', {'conv2d_backward': '''
def conv2d_backward(dout, cache):
    x, w, b, s, p = cache
    N, C, H, W = x.shape
    _, _, KH, KW = w.shape
    H_out, W_out = dout.shape[2], dout.shape[3]
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    dxp = torch.zeros_like(xp)
    dw = torch.zeros_like(w)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            dw[:, :, i, j] = torch.einsum("nfhw,nchw->fc", dout, patch)
            dxp[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += torch.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    dx = dxp[:, :, p:-p, p:-p]
    db = dout.sum(dim=(0, 2, 3))
    return dx, dw, db
'''}),
    'conv_hard_coded_padding': ('conv2d/forward_grid', {'conv2d_forward': '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F_out, _, KH, KW = w.shape
    s, p = stride, 1
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    H_out = (H + 2 * p - KH) // s + 1
    W_out = (W + 2 * p - KW) // s + 1
    out = torch.zeros(N, F_out, H_out, W_out, dtype=x.dtype, device=x.device)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            out += torch.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    out += b.view(1, -1, 1, 1)
    cache = (x, w, b, stride, padding)
    return out, cache
'''}),
    'conv_output_size_ignores_stride': ('conv2d/forward_grid', {'conv2d_forward': '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F_out, _, KH, KW = w.shape
    s, p = stride, padding
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    H_out = H + 2 * p - KH + 1
    W_out = W + 2 * p - KW + 1
    out = torch.zeros(N, F_out, H_out, W_out, dtype=x.dtype, device=x.device)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + H_out, j:j + W_out]
            out += torch.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    out += b.view(1, -1, 1, 1)
    cache = (x, w, b, stride, padding)
    return out, cache
'''}),
    'conv_flipped_kernel': ('conv2d/forward', {'conv2d_forward': '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F_out, _, KH, KW = w.shape
    s, p = stride, padding
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    H_out = (H + 2 * p - KH) // s + 1
    W_out = (W + 2 * p - KW) // s + 1
    out = torch.zeros(N, F_out, H_out, W_out, dtype=x.dtype, device=x.device)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            out += torch.einsum("nchw,fc->nfhw", patch, w[:, :, KH - 1 - i, KW - 1 - j])
    out += b.view(1, -1, 1, 1)
    cache = (x, w, b, stride, padding)
    return out, cache
'''}),
    'conv_square_kernel_assumed': ('conv2d/forward_rectangular', {'conv2d_forward': '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F_out, _, KH, _ = w.shape
    KW = KH
    s, p = stride, padding
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    H_out = (H + 2 * p - KH) // s + 1
    W_out = (W + 2 * p - KW) // s + 1
    out = torch.zeros(N, F_out, H_out, W_out, dtype=x.dtype, device=x.device)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            out += torch.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    out += b.view(1, -1, 1, 1)
    cache = (x, w, b, stride, padding)
    return out, cache
'''}),
    'conv_square_image_assumed': ('conv2d/forward_rectangular', {'conv2d_forward': '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F_out, _, KH, KW = w.shape
    s, p = stride, padding
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    H_out = (H + 2 * p - KH) // s + 1
    W_out = (H + 2 * p - KW) // s + 1
    out = torch.zeros(N, F_out, H_out, W_out, dtype=x.dtype, device=x.device)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            out += torch.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    out += b.view(1, -1, 1, 1)
    cache = (x, w, b, stride, padding)
    return out, cache
'''}),
    'conv_backward_ignores_stride': ('conv2d/backward_grid', {'conv2d_backward': '''
def conv2d_backward(dout, cache):
    x, w, b, s, p = cache
    N, C, H, W = x.shape
    _, _, KH, KW = w.shape
    H_out, W_out = dout.shape[2], dout.shape[3]
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    dxp = torch.zeros_like(xp)
    dw = torch.zeros_like(w)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            dw[:, :, i, j] = torch.einsum("nfhw,nchw->fc", dout, patch)
            dxp[:, :, i:i + H_out, j:j + W_out] += torch.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    dx = dxp[:, :, p:p + H, p:p + W]
    db = dout.sum(dim=(0, 2, 3))
    return dx, dw, db
'''}),
    'conv_backward_assigns': ('conv2d/backward', {'conv2d_backward': '''
def conv2d_backward(dout, cache):
    x, w, b, s, p = cache
    N, C, H, W = x.shape
    _, _, KH, KW = w.shape
    H_out, W_out = dout.shape[2], dout.shape[3]
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    dxp = torch.zeros_like(xp)
    dw = torch.zeros_like(w)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            dw[:, :, i, j] = torch.einsum("nfhw,nchw->fc", dout, patch)
            dxp[:, :, i:i + s * H_out:s, j:j + s * W_out:s] = torch.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    dx = dxp[:, :, p:p + H, p:p + W]
    db = dout.sum(dim=(0, 2, 3))
    return dx, dw, db
'''}),
    'conv_db_keeps_batch': ('conv2d/backward', {'conv2d_backward': '''
def conv2d_backward(dout, cache):
    x, w, b, s, p = cache
    N, C, H, W = x.shape
    _, _, KH, KW = w.shape
    H_out, W_out = dout.shape[2], dout.shape[3]
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    dxp = torch.zeros_like(xp)
    dw = torch.zeros_like(w)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            dw[:, :, i, j] = torch.einsum("nfhw,nchw->fc", dout, patch)
            dxp[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += torch.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    dx = dxp[:, :, p:p + H, p:p + W]
    db = dout.sum(dim=(2, 3)).mean(dim=0)
    return dx, dw, db
'''}),
    'conv_dw_first_image_only': ('conv2d/backward', {'conv2d_backward': '''
def conv2d_backward(dout, cache):
    x, w, b, s, p = cache
    N, C, H, W = x.shape
    _, _, KH, KW = w.shape
    H_out, W_out = dout.shape[2], dout.shape[3]
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    dxp = torch.zeros_like(xp)
    dw = torch.zeros_like(w)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            dw[:, :, i, j] = torch.einsum("fhw,chw->fc", dout[0], patch[0])
            dxp[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += torch.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    dx = dxp[:, :, p:p + H, p:p + W]
    db = dout.sum(dim=(0, 2, 3))
    return dx, dw, db
'''}),
    'conv_bias_on_wrong_axis': ('conv2d/forward', {'conv2d_forward': '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F_out, _, KH, KW = w.shape
    s, p = stride, padding
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    H_out = (H + 2 * p - KH) // s + 1
    W_out = (W + 2 * p - KW) // s + 1
    out = torch.zeros(N, F_out, H_out, W_out, dtype=x.dtype, device=x.device)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            out += torch.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    out += b
    cache = (x, w, b, stride, padding)
    return out, cache
'''}),
    'conv_float64_buffer': ('conv2d/float32', {'conv2d_forward': '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F_out, _, KH, KW = w.shape
    s, p = stride, padding
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    H_out = (H + 2 * p - KH) // s + 1
    W_out = (W + 2 * p - KW) // s + 1
    out = torch.zeros(N, F_out, H_out, W_out, dtype=torch.float64, device=x.device)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            out += torch.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    out += b.view(1, -1, 1, 1)
    cache = (x, w, b, stride, padding)
    return out, cache
'''}),
    'conv_library_unfold': ('conv2d/forward', {'conv2d_forward': '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F_out, _, KH, KW = w.shape
    s, p = stride, padding
    xp = torch.zeros(N, C, H + 2 * p, W + 2 * p, dtype=x.dtype, device=x.device)
    xp[:, :, p:p + H, p:p + W] = x
    H_out = (H + 2 * p - KH) // s + 1
    W_out = (W + 2 * p - KW) // s + 1
    out = torch.zeros(N, F_out, H_out, W_out, dtype=x.dtype, device=x.device)
    for i in range(KH):
        for j in range(KW):
            patch = xp[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            out += torch.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    cols = F.unfold(x, (KH, KW), padding=p, stride=s)
    out = (w.view(F_out, -1) @ cols).view(N, F_out, H_out, W_out)
    out += b.view(1, -1, 1, 1)
    cache = (x, w, b, stride, padding)
    return out, cache
'''}),
    'pool_assumes_stride_equals_kernel': ('maxpool2d/forward_overlapping', {'maxpool2d_forward': '''
def maxpool2d_forward(x, kernel_size, stride):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    s = kh
    N, C, H, W = x.shape
    H_out = (H - kh) // s + 1
    W_out = (W - kw) // s + 1
    best = None
    arg = torch.zeros(N, C, H_out, W_out, dtype=torch.long, device=x.device)
    for i in range(kh):
        for j in range(kw):
            window = x[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            if best is None:
                best = window.clone()
                continue
            better = window > best  # strict: a tie keeps the first maximum
            best = torch.where(better, window, best)
            arg = torch.where(better, torch.full_like(arg, i * kw + j), arg)
    cache = (x.shape, kh, kw, s, arg)
    return best, cache
'''}),
    'pool_backward_assigns_instead_of_accumulating': ('maxpool2d/backward_overlapping', {'maxpool2d_backward': '''
def maxpool2d_backward(dout, cache):
    shape, kh, kw, s, arg = cache
    H_out, W_out = dout.shape[2], dout.shape[3]
    dx = torch.zeros(shape, dtype=dout.dtype, device=dout.device)
    for i in range(kh):
        for j in range(kw):
            routed = torch.where(arg == i * kw + j, dout, torch.zeros_like(dout))
            dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] = torch.where(routed != 0, routed, dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s])
    return dx
'''}),
    'pool_gradient_to_every_maximum': ('maxpool2d/ties', {'maxpool2d_forward': '''
def maxpool2d_forward(x, kernel_size, stride):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    s = stride
    N, C, H, W = x.shape
    H_out = (H - kh) // s + 1
    W_out = (W - kw) // s + 1
    best = None
    arg = torch.zeros(N, C, H_out, W_out, dtype=torch.long, device=x.device)
    for i in range(kh):
        for j in range(kw):
            window = x[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            if best is None:
                best = window.clone()
                continue
            better = window > best  # strict: a tie keeps the first maximum
            best = torch.where(better, window, best)
            arg = torch.where(better, torch.full_like(arg, i * kw + j), arg)
    cache = (x, best, kh, kw, s)
    return best, cache
''', 'maxpool2d_backward': '''
def maxpool2d_backward(dout, cache):
    x, best, kh, kw, s = cache
    shape = x.shape
    H_out, W_out = dout.shape[2], dout.shape[3]
    dx = torch.zeros(shape, dtype=dout.dtype, device=dout.device)
    for i in range(kh):
        for j in range(kw):
            hit = x[:, :, i:i + s * H_out:s, j:j + s * W_out:s] == best
            routed = torch.where(hit, dout, torch.zeros_like(dout))
            dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += routed
    return dx
'''}),
    'pool_last_maximum_on_ties': ('maxpool2d/ties', {'maxpool2d_forward': '''
def maxpool2d_forward(x, kernel_size, stride):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    s = stride
    N, C, H, W = x.shape
    H_out = (H - kh) // s + 1
    W_out = (W - kw) // s + 1
    best = None
    arg = torch.zeros(N, C, H_out, W_out, dtype=torch.long, device=x.device)
    for i in range(kh):
        for j in range(kw):
            window = x[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            if best is None:
                best = window.clone()
                continue
            better = window >= best  # strict: a tie keeps the first maximum
            best = torch.where(better, window, best)
            arg = torch.where(better, torch.full_like(arg, i * kw + j), arg)
    cache = (x.shape, kh, kw, s, arg)
    return best, cache
'''}),
    'pool_square_window_only': ('maxpool2d/forward_rectangular_uneven', {'maxpool2d_forward': '''
def maxpool2d_forward(x, kernel_size, stride):
    kh = kw = kernel_size if isinstance(kernel_size, int) else kernel_size[0]
    s = stride
    N, C, H, W = x.shape
    H_out = (H - kh) // s + 1
    W_out = (W - kw) // s + 1
    best = None
    arg = torch.zeros(N, C, H_out, W_out, dtype=torch.long, device=x.device)
    for i in range(kh):
        for j in range(kw):
            window = x[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            if best is None:
                best = window.clone()
                continue
            better = window > best  # strict: a tie keeps the first maximum
            best = torch.where(better, window, best)
            arg = torch.where(better, torch.full_like(arg, i * kw + j), arg)
    cache = (x.shape, kh, kw, s, arg)
    return best, cache
'''}),
    'pool_ceil_output_size': ('maxpool2d/forward_rectangular_uneven', {'maxpool2d_forward': '''
def maxpool2d_forward(x, kernel_size, stride):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    s = stride
    N, C, H, W = x.shape
    H_out = math.ceil(H / s) if H % s else H // s
    W_out = math.ceil(W / s) if W % s else W // s
    H_out, W_out = min(H_out, (H - kh) // s + 1 + (H % s > 0)), min(W_out, (W - kw) // s + 1 + (W % s > 0))
    x = F.pad(x, (0, max(0, (W_out - 1) * s + kw - W), 0, max(0, (H_out - 1) * s + kh - H)), value=float('-inf'))
    best = None
    arg = torch.zeros(N, C, H_out, W_out, dtype=torch.long, device=x.device)
    for i in range(kh):
        for j in range(kw):
            window = x[:, :, i:i + s * H_out:s, j:j + s * W_out:s]
            if best is None:
                best = window.clone()
                continue
            better = window > best  # strict: a tie keeps the first maximum
            best = torch.where(better, window, best)
            arg = torch.where(better, torch.full_like(arg, i * kw + j), arg)
    cache = (x.shape, kh, kw, s, arg)
    return best, cache
'''}),
    'cnn_without_convolution': ('train_small_cnn/structure', {'SmallCNN.__init__': '''
def __init__(self):
    super().__init__()
    self.features = nn.Sequential(
        nn.Flatten(), nn.Linear(64, 64 * 4 * 4), nn.ReLU(), nn.Unflatten(1, (64, 4, 4)))
    self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 4 * 4, 128), nn.ReLU(),
                              nn.Linear(128, 10))
'''}),
    'cnn_trained_one_epoch_at_tiny_lr': ('train_small_cnn/accuracy', {'train_small_cnn': '''
def train_small_cnn(Xtr, ytr, seed):
    torch.manual_seed(seed)
    model = SmallCNN()
    epochs, batch = 1, 64
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs * ((len(ytr) + batch - 1) // batch))
    X, y = Xtr.float(), ytr.long()
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(y), generator=g)
        for k in range(0, len(y), batch):
            idx = order[k:k + batch]
            opt.zero_grad()
            F.cross_entropy(model(X[idx]), y[idx]).backward()
            opt.step()
            sched.step()
    model.eval()
    return model
'''}),
}

# the catalogue's hint each mutant must get (../shared/specs/hints.md); the others' classes are not in it
HINTS = {
    'conv_unpad_slice_empty_at_p0': 'conv2d.padding',
    'conv_hard_coded_padding': 'conv2d.padding',
    'conv_output_size_ignores_stride': 'conv2d.stride',
    'conv_square_kernel_assumed': 'conv2d.non-square',
    'conv_square_image_assumed': 'conv2d.non-square',
    'conv_backward_ignores_stride': 'conv2d.stride',
    'conv_backward_assigns': 'conv2d.backward-overwrite',
    'conv_db_keeps_batch': 'conv2d.db-axes',
    'conv_float64_buffer': 'conv2d.dtype-changed',
    'conv_library_unfold': 'conv2d.forbidden-call',
    'pool_assumes_stride_equals_kernel': 'maxpool2d.stride',
    'pool_backward_assigns_instead_of_accumulating': 'maxpool2d.backward-overwrite',
    'pool_square_window_only': 'maxpool2d.non-square',
}

# correct solutions in the styles students write: full marks and no hint
ALTERNATIVES = {
    'naive_loops_and_argmax': {'conv2d_forward': '''
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
''', 'conv2d_backward': '''
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
''', 'maxpool2d_forward': '''
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
''', 'maxpool2d_backward': '''
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
'''},
}
