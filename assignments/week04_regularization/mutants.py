"""Week 4's proof: realistic buggy variants of the week 4 reference: (case it must fail, function, [(old, new)]).

Read by autograder.casekit.proof: MUTANTS (name → the case it must fail, {definition: new
source}), ALTERNATIVES (correct solutions in students' styles: full marks, no hint) and HINTS (the
catalogue hint each mutant must get)."""


MUTANTS = {
    'dropout_keep_probability': ('dropout/drop_fraction', {'dropout_forward': '''
def dropout_forward(x, p, train, generator=None):
    if not train or p == 0:
        mask = torch.ones_like(x)
    elif p >= 1:
        mask = torch.zeros_like(x)
    else:
        keep = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device) < p
        mask = keep.to(x.dtype) / p
    return x * mask, mask
'''}),
    'dropout_not_inverted': ('dropout/inverted_scaling', {'dropout_forward': '''
def dropout_forward(x, p, train, generator=None):
    if not train or p == 0:
        mask = torch.ones_like(x)
    elif p >= 1:
        mask = torch.zeros_like(x)
    else:
        keep = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device) >= p
        mask = keep.to(x.dtype)
    return x * mask, mask
'''}),
    'dropout_scales_in_eval': ('dropout/eval_identity', {'dropout_forward': '''
def dropout_forward(x, p, train, generator=None):
    if not train or p == 0:
        mask = torch.ones_like(x) * (1 - p)
    elif p >= 1:
        mask = torch.zeros_like(x)
    else:
        keep = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device) >= p
        mask = keep.to(x.dtype) / (1 - p)
    return x * mask, mask
'''}),
    'dropout_p_one_divides_by_zero': ('dropout/p_zero_and_one', {'dropout_forward': '''
def dropout_forward(x, p, train, generator=None):
    if not train or p == 0:
        mask = torch.ones_like(x)
    else:
        keep = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device) >= p
        mask = keep.to(x.dtype) / (1 - p)
    return x * mask, mask
'''}),
    'dropout_backward_ignores_mask': ('dropout/backward', {'dropout_backward': '''
def dropout_backward(dout, mask):
    return dout
'''}),
    'dropout_ignores_generator': ('dropout/uses_generator', {'dropout_forward': '''
def dropout_forward(x, p, train, generator=None):
    if not train or p == 0:
        mask = torch.ones_like(x)
    elif p >= 1:
        mask = torch.zeros_like(x)
    else:
        keep = torch.rand(x.shape, dtype=x.dtype, device=x.device) >= p
        mask = keep.to(x.dtype) / (1 - p)
    return x * mask, mask
'''}),
    'dropout_library': ('dropout/drop_fraction', {'dropout_forward': '''
def dropout_forward(x, p, train, generator=None):
    if not train or p == 0:
        mask = torch.ones_like(x)
    elif p >= 1:
        mask = torch.zeros_like(x)
    else:
        keep = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device) >= p
        mask = keep.to(x.dtype) / (1 - p)
    return F.dropout(x, p, train), mask
'''}),
    'bn_unbiased_normalisation': ('batchnorm/train_forward', {'batchnorm_forward': '''
def batchnorm_forward(x, gamma, beta, state, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = x.shape[0]
        mean = x.mean(dim=0)
        var = ((x - mean) ** 2).sum(dim=0) / (n - 1)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mean.detach()
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var.detach()
    else:
        mean, var = state["running_mean"], state["running_var"]
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
'''}),
    'bn_running_var_biased': ('batchnorm/running_stats', {'batchnorm_forward': '''
def batchnorm_forward(x, gamma, beta, state, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = x.shape[0]
        mean = x.mean(dim=0)
        var = ((x - mean) ** 2).mean(dim=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mean.detach()
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var.detach()
    else:
        mean, var = state["running_mean"], state["running_var"]
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
'''}),
    'bn_running_stats_2d': ('batchnorm/running_stats', {'batchnorm_forward': '''
def batchnorm_forward(x, gamma, beta, state, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = x.shape[0]
        mean = x.mean(dim=0, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=0, keepdim=True)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mean.detach()
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var.detach() * n / (n - 1)
    else:
        mean, var = state["running_mean"], state["running_var"]
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
'''}),
    'bn_momentum_reversed': ('batchnorm/running_stats', {'batchnorm_forward': '''
def batchnorm_forward(x, gamma, beta, state, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = x.shape[0]
        mean = x.mean(dim=0)
        var = ((x - mean) ** 2).mean(dim=0)
        state["running_mean"] = momentum * state["running_mean"] + (1 - momentum) * mean.detach()
        state["running_var"] = momentum * state["running_var"] + (1 - momentum) * var.detach() * n / (n - 1)
    else:
        mean, var = state["running_mean"], state["running_var"]
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
'''}),
    'bn_eval_forgets_gamma_beta': ('batchnorm/eval', {'batchnorm_forward': '''
def batchnorm_forward(x, gamma, beta, state, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = x.shape[0]
        mean = x.mean(dim=0)
        var = ((x - mean) ** 2).mean(dim=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mean.detach()
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var.detach() * n / (n - 1)
    else:
        mean, var = state["running_mean"], state["running_var"]
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    if not train:
        return x_hat, (x_hat, gamma, inv_std)
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
'''}),
    'bn_eval_uses_batch_stats': ('batchnorm/eval', {'batchnorm_forward': '''
def batchnorm_forward(x, gamma, beta, state, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = x.shape[0]
        mean = x.mean(dim=0)
        var = ((x - mean) ** 2).mean(dim=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mean.detach()
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var.detach() * n / (n - 1)
    else:
        mean, var = x.mean(dim=0), ((x - x.mean(dim=0)) ** 2).mean(dim=0)
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
'''}),
    'bn_backward_drops_mean_term': ('batchnorm/backward', {'batchnorm_backward': '''
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    n = dout.shape[0]
    dbeta = dout.sum(dim=0)
    dgamma = (dout * x_hat).sum(dim=0)
    dx_hat = dout * gamma
    dx = inv_std / n * (n * dx_hat - x_hat * (dx_hat * x_hat).sum(dim=0))
    return dx, dgamma, dbeta
'''}),
    'l2_with_half': ('weight_decay/l2_penalty', {'l2_penalty': '''
def l2_penalty(params, reg):
    return 0.5 * reg * sum((W ** 2).sum() for W in params)
'''}),
    'coupled_decay_doubled': ('weight_decay/coupled', {'sgd_step': '''
def sgd_step(param, grad, lr, wd, decoupled):
    if decoupled:
        return param * (1 - lr * wd) - lr * grad
    return param - lr * (grad + 2 * wd * param)
'''}),
    'decoupled_without_lr': ('weight_decay/decoupled', {'sgd_step': '''
def sgd_step(param, grad, lr, wd, decoupled):
    if decoupled:
        return param * (1 - wd) - lr * grad
    return param - lr * (grad + wd * param)
'''}),
    'sgd_step_in_place': ('weight_decay/invariants', {'sgd_step': '''
def sgd_step(param, grad, lr, wd, decoupled):
    if decoupled:
        return param * (1 - lr * wd) - lr * grad
    param -= lr * (grad + wd * param)
    return param
'''}),
    'es_tie_counts_as_improvement': ('EarlyStopping/ties', {'EarlyStopping.step': '''
def step(self, metric):
    self.epoch += 1
    metric = float(metric)
    if math.isnan(metric):
        improved = False
    elif self.best is None:
        improved = True
    elif self.mode == 'min':
        improved = metric <= self.best - self.min_delta
    else:
        improved = metric > self.best + self.min_delta
    if improved:
        self.best, self.best_epoch, self.bad_epochs = metric, self.epoch, 0
    else:
        self.bad_epochs += 1
    return self.bad_epochs >= self.patience
'''}),
    'es_ignores_min_delta': ('EarlyStopping/min_delta', {'EarlyStopping.step': '''
def step(self, metric):
    self.epoch += 1
    metric = float(metric)
    if math.isnan(metric):
        improved = False
    elif self.best is None:
        improved = True
    elif self.mode == 'min':
        improved = metric < self.best
    else:
        improved = metric > self.best
    if improved:
        self.best, self.best_epoch, self.bad_epochs = metric, self.epoch, 0
    else:
        self.bad_epochs += 1
    return self.bad_epochs >= self.patience
'''}),
    'es_ignores_mode': ('EarlyStopping/max_mode', {'EarlyStopping.step': '''
def step(self, metric):
    self.epoch += 1
    metric = float(metric)
    if math.isnan(metric):
        improved = False
    elif self.best is None:
        improved = True
    else:
        improved = metric < self.best - self.min_delta
    if improved:
        self.best, self.best_epoch, self.bad_epochs = metric, self.epoch, 0
    else:
        self.bad_epochs += 1
    return self.bad_epochs >= self.patience
'''}),
    'es_nan_improves': ('EarlyStopping/nan', {'EarlyStopping.step': '''
def step(self, metric):
    self.epoch += 1
    metric = float(metric)
    if self.best is None or math.isnan(self.best):
        improved = True
    elif self.mode == 'min':
        improved = not (metric >= self.best - self.min_delta)
    else:
        improved = metric > self.best + self.min_delta
    if improved:
        self.best, self.best_epoch, self.bad_epochs = metric, self.epoch, 0
    else:
        self.bad_epochs += 1
    return self.bad_epochs >= self.patience
'''}),
    'train_without_regularization': ('train_regularized/uses_regularization', {'train_regularized': '''
def train_regularized(Xtr, ytr, Xval, yval, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    X, y = Xtr.float(), ytr.long()
    for _ in range(150):
        model.train()
        opt.zero_grad()
        F.cross_entropy(model(X), y).backward()
        opt.step()
    model.eval()

    def predict(X_new):
        with torch.no_grad():
            return model(X_new.float()).argmax(dim=1)
    return predict
'''}),
    'train_barely': ('train_regularized/val_accuracy', {'train_regularized': '''
def train_regularized(Xtr, ytr, Xval, yval, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    X, y = Xtr.float(), ytr.long()
    for _ in range(5):
        model.train()
        opt.zero_grad()
        F.cross_entropy(model(X), y).backward()
        opt.step()
    model.eval()

    def predict(X_new):
        with torch.no_grad():
            return model(X_new.float()).argmax(dim=1)
    return predict
'''}),
}

# the catalogue's hint each mutant must get (../shared/specs/hints.md); the others' classes are not in it
HINTS = {
    'dropout_keep_probability': 'dropout.p-is-keep',
    'dropout_not_inverted': 'dropout.not-inverted',
    'dropout_scales_in_eval': 'dropout.eval-scales',
    'dropout_p_one_divides_by_zero': 'dropout.p-equals-1',
    'dropout_backward_ignores_mask': 'dropout.backward-new-mask',
    'dropout_ignores_generator': 'dropout.ignores-generator',
    'dropout_library': 'dropout.forbidden-call',
    'bn_unbiased_normalisation': 'batchnorm.unbiased-variance',
    'bn_running_var_biased': 'batchnorm.running-var-biased',
    'bn_momentum_reversed': 'batchnorm.momentum-reversed',
    'bn_eval_forgets_gamma_beta': 'batchnorm.eval-no-affine',
    'bn_eval_uses_batch_stats': 'batchnorm.eval-batch-stats',
    'bn_backward_drops_mean_term': 'batchnorm.backward',
    'l2_with_half': 'weight_decay.l2-scale',
    'coupled_decay_doubled': 'weight_decay.coupled-twice',
    'decoupled_without_lr': 'weight_decay.decoupled-lr',
    'sgd_step_in_place': 'weight_decay.mutates-input',
    'es_tie_counts_as_improvement': 'EarlyStopping.improvement-rule',
    'es_ignores_min_delta': 'EarlyStopping.improvement-rule',
    'es_ignores_mode': 'EarlyStopping.mode-max',
    'es_nan_improves': 'EarlyStopping.improvement-rule',
    'train_without_regularization': 'train_regularized.no-regularisation',
}

# correct solutions in the styles students write: full marks and no hint
ALTERNATIVES = {
    'float32_mask_idiom': {'dropout_forward': '''
def dropout_forward(x, p, train, generator=None):
    if not train or p == 0:
        return x, torch.ones_like(x)
    if p >= 1:
        return x * 0, torch.zeros_like(x)
    keep = 1 - p
    mask = (torch.rand(x.shape, generator=generator) < keep) / keep
    return x * mask, mask
''', 'dropout_backward': '''
def dropout_backward(dout, mask):
    return dout * mask
'''},
}
