"""Week 3's proof: realistic buggy variants of the week 3 reference.

Read by autograder.casekit.proof: MUTANTS (name → the case it must fail, {definition: new
source}), ALTERNATIVES (correct solutions in students' styles: full marks, no hint) and HINTS (the
catalogue hint each mutant must get)."""


MUTANTS = {
    'linear_dx_not_reshaped': ('linear/backward', {'linear_backward': '''
def linear_backward(dout, cache):
    x, W = cache
    dx = dout @ W.T
    dW = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(dim=0)
    return dx, dW, db
'''}),
    'linear_db_mean': ('linear/backward', {'linear_backward': '''
def linear_backward(dout, cache):
    x, W = cache
    dx = (dout @ W.T).reshape(x.shape)
    dW = x.reshape(x.shape[0], -1).T @ dout
    db = dout.mean(dim=0)
    return dx, dW, db
'''}),
    'linear_no_flatten': ('linear/forward_nd', {'linear_forward': '''
def linear_forward(x, W, b):
    out = x @ W + b
    return out, (x, W)
'''}),
    'linear_library': ('linear/forward', {'linear_forward': '''
def linear_forward(x, W, b):
    out = F.linear(x.reshape(x.shape[0], -1), W.T, b)
    return out, (x, W)
'''}),
    'relu_grad_one_at_zero': ('relu/backward', {'relu_backward': '''
def relu_backward(dout, cache):
    return dout * (cache >= 0).to(dout.dtype)
'''}),
    'relu_library': ('relu/forward', {'relu_forward': '''
def relu_forward(x):
    return torch.relu(x), x
'''}),
    'sigmoid_overflows': ('sigmoid/stability', {'sigmoid_forward': '''
def sigmoid_forward(x):
    z = torch.exp(-x.abs())
    out = torch.exp(x) / (1 + torch.exp(x))
    return out, out
'''}),
    'sigmoid_backward_drops_dout': ('sigmoid/backward', {'sigmoid_backward': '''
def sigmoid_backward(dout, cache):
    return cache * (1 - cache)
'''}),
    'sgd_ema_momentum': ('SGD/momentum', {'SGD.step': '''
def step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            if self.momentum:
                if self.velocity[i] is None:
                    self.velocity[i] = g.clone()
                else:
                    self.velocity[i] = self.momentum * self.velocity[i] + (1 - self.momentum) * g
                g = self.velocity[i]
            p -= self.lr * g
'''}),
    'sgd_none_grad_crashes': ('SGD/none_grad', {'SGD.step': '''
def step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            g = p.grad
            if self.momentum:
                if self.velocity[i] is None:
                    self.velocity[i] = g.clone()
                else:
                    self.velocity[i] = self.momentum * self.velocity[i] + g
                g = self.velocity[i]
            p -= self.lr * g
'''}),
    'sgd_rebinds_instead_of_in_place': ('SGD/plain', {'SGD.step': '''
def step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            if self.momentum:
                if self.velocity[i] is None:
                    self.velocity[i] = g.clone()
                else:
                    self.velocity[i] = self.momentum * self.velocity[i] + g
                g = self.velocity[i]
            p = p - self.lr * g
'''}),
    'sgd_zero_grad_noop': ('SGD/zero_grad', {'SGD.zero_grad': '''
def zero_grad(self):
    pass
'''}),
    'adam_fused_kernel': ('Adam/defaults', {'Adam.__init__': '''
def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    self.params = list(params)
    self.lr = lr
    self.beta1, self.beta2 = betas
    self.eps = eps
    self.m = [torch.zeros_like(p) for p in self.params]
    self.v = [torch.zeros_like(p) for p in self.params]
    self.t = [torch.zeros((), dtype=torch.float64) for _ in self.params]
''', 'Adam.step': '''
def step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            self.t[i] += 1
            torch._fused_adam_([p], [g], [self.m[i]], [self.v[i]], [], [self.t[i]], lr=self.lr,
                               beta1=self.beta1, beta2=self.beta2, weight_decay=0.0, eps=self.eps,
                               amsgrad=False, maximize=False)
'''}),
    'adam_no_bias_correction': ('Adam/defaults', {'Adam.step': '''
def step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            self.t[i] += 1
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            m_hat = self.m[i]
            v_hat = self.v[i]
            p -= self.lr * m_hat / (v_hat.sqrt() + self.eps)
'''}),
    'adam_eps_inside_sqrt': ('Adam/hyperparameters', {'Adam.step': '''
def step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            self.t[i] += 1
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            m_hat = self.m[i] / (1 - self.beta1 ** self.t[i])
            v_hat = self.v[i] / (1 - self.beta2 ** self.t[i])
            p -= self.lr * m_hat / (v_hat + self.eps).sqrt()
'''}),
    'adam_shared_step_counter': ('Adam/defaults', {'Adam.__init__': '''
def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    self.params = list(params)
    self.lr = lr
    self.beta1, self.beta2 = betas
    self.eps = eps
    self.m = [torch.zeros_like(p) for p in self.params]
    self.v = [torch.zeros_like(p) for p in self.params]
    self.t = 0
''', 'Adam.step': '''
def step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            self.t += 1
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            m_hat = self.m[i] / (1 - self.beta1 ** self.t)
            v_hat = self.v[i] / (1 - self.beta2 ** self.t)
            p -= self.lr * m_hat / (v_hat.sqrt() + self.eps)
'''}),
    'sgd_reads_lr_once': ('SGD/lr_changes', {'SGD.__init__': '''
def __init__(self, params, lr, momentum=0.0):
    self.params = list(params)
    self.lr = lr
    self._lr = lr
    self.momentum = momentum
    self.velocity = [None] * len(self.params)
''', 'SGD.step': '''
def step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            if self.momentum:
                if self.velocity[i] is None:
                    self.velocity[i] = g.clone()
                else:
                    self.velocity[i] = self.momentum * self.velocity[i] + g
                g = self.velocity[i]
            p -= self._lr * g
'''}),
    'sgd_cs231n_momentum': ('SGD/lr_changes', {'SGD.step': '''
def step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            if self.momentum:
                if self.velocity[i] is None:
                    self.velocity[i] = -self.lr * g
                else:
                    self.velocity[i] = self.momentum * self.velocity[i] - self.lr * g
                p += self.velocity[i]
            else:
                p -= self.lr * g
'''}),
    'adam_step_counter_per_step': ('Adam/lr_and_sparse_grads', {'Adam.__init__': '''
def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    self.params = list(params)
    self.lr = lr
    self.beta1, self.beta2 = betas
    self.eps = eps
    self.m = [torch.zeros_like(p) for p in self.params]
    self.v = [torch.zeros_like(p) for p in self.params]
    self.t = [0] * len(self.params)
    self.steps = 0
''', 'Adam.step': '''
def step(self):
    self.steps += 1
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            self.t[i] = self.steps
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            m_hat = self.m[i] / (1 - self.beta1 ** self.t[i])
            v_hat = self.v[i] / (1 - self.beta2 ** self.t[i])
            p -= self.lr * m_hat / (v_hat.sqrt() + self.eps)
'''}),
    'adam_reads_lr_once': ('Adam/lr_and_sparse_grads', {'Adam.__init__': '''
def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    self.params = list(params)
    self.lr = lr
    self._lr = lr
    self.beta1, self.beta2 = betas
    self.eps = eps
    self.m = [torch.zeros_like(p) for p in self.params]
    self.v = [torch.zeros_like(p) for p in self.params]
    self.t = [0] * len(self.params)
''', 'Adam.step': '''
def step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            self.t[i] += 1
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            m_hat = self.m[i] / (1 - self.beta1 ** self.t[i])
            v_hat = self.v[i] / (1 - self.beta2 ** self.t[i])
            p -= self._lr * m_hat / (v_hat.sqrt() + self.eps)
'''}),
    'value_overwrites_grad': ('Value/reuse', {'Value.__add__': '''
def __add__(self, other):
    other = Value._lift(other)
    out = Value(self.data + other.data, (self, other))

    def _backward():
        self.grad = out.grad
        other.grad = out.grad
    out._backward = _backward
    return out
'''}),
    'value_rsub_backwards': ('Value/reflected', {'Value.__rsub__': '''
def __rsub__(self, other):
    return self - other
'''}),
    'value_relu_grad_at_zero': ('Value/activations', {'Value.relu': '''
def relu(self):
    out = Value(self.data if self.data > 0 else 0.0, (self,))

    def _backward():
        self.grad += (1.0 if self.data >= 0 else 0.0) * out.grad
    out._backward = _backward
    return out
'''}),
    'value_pow_derivative': ('Value/arithmetic', {'Value.__pow__': '''
def __pow__(self, k):
    out = Value(self.data ** k, (self,))

    def _backward():
        self.grad += k * self.data ** k * out.grad
    out._backward = _backward
    return out
'''}),
    'value_uses_torch_tanh': ('Value/activations', {'Value.tanh': '''
def tanh(self):
    t = float(torch.tanh(torch.tensor(self.data)))
    out = Value(t, (self,))

    def _backward():
        self.grad += (1 - t * t) * out.grad
    out._backward = _backward
    return out
'''}),
    'mlp_is_linear': ('train_mlp/accuracy', {'train_mlp': '''
def train_mlp(X, y, seed):
    torch.manual_seed(seed)
    model = nn.Linear(2, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    X, y = X.float(), y.long()
    for _ in range(300):
        opt.zero_grad()
        F.cross_entropy(model(X), y).backward()
        opt.step()

    def predict(X_new):
        with torch.no_grad():
            return model(X_new.float()).argmax(dim=1)
    return predict
'''}),
    'mlp_barely_trained': ('train_mlp/beats_linear', {'train_mlp': '''
def train_mlp(X, y, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    X, y = X.float(), y.long()
    for _ in range(3):
        opt.zero_grad()
        F.cross_entropy(model(X), y).backward()
        opt.step()

    def predict(X_new):
        with torch.no_grad():
            return model(X_new.float()).argmax(dim=1)
    return predict
'''}),
    'mlp_is_a_trained_linear_model': ('train_mlp/beats_linear', {'train_mlp': '''
def train_mlp(X, y, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 2))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    X, y = X.float(), y.long()
    for _ in range(300):
        opt.zero_grad()
        F.cross_entropy(model(X), y).backward()
        opt.step()

    def predict(X_new):
        with torch.no_grad():
            return model(X_new.float()).argmax(dim=1)
    return predict
'''}),
}

# the catalogue's hint each mutant must get (../shared/specs/hints.md); the others' classes are not in it
HINTS = {
    'linear_dx_not_reshaped': 'linear.dx-shape',
    'linear_db_mean': 'linear.db-not-summed',
    'linear_no_flatten': 'linear.no-flatten',
    'linear_library': 'linear.forbidden-call',
    'relu_grad_one_at_zero': 'relu.grad-at-zero',
    'relu_library': 'relu.forbidden-call',
    'sigmoid_overflows': 'sigmoid.overflow',
    'sigmoid_backward_drops_dout': 'sigmoid.backward-missing-dout',
    'sgd_ema_momentum': 'SGD.momentum-form',
    'sgd_cs231n_momentum': 'SGD.momentum-form',
    'sgd_none_grad_crashes': 'SGD.none-grad',
    'sgd_reads_lr_once': 'SGD.lr-read-once',
    'adam_fused_kernel': 'Adam.forbidden-call',
    'adam_no_bias_correction': 'Adam.bias-correction',
    'adam_eps_inside_sqrt': 'Adam.eps-placement',
    'adam_shared_step_counter': 'Adam.step-count',
    'adam_step_counter_per_step': 'Adam.step-count',
    'value_overwrites_grad': 'Value.grad-overwritten',
    'value_rsub_backwards': 'Value.reflected-ops',
    'value_relu_grad_at_zero': 'Value.local-derivative',
    'value_pow_derivative': 'Value.local-derivative',
    'value_uses_torch_tanh': 'Value.forbidden-call',
    'mlp_is_linear': 'train_mlp.linear-model',
    'mlp_is_a_trained_linear_model': 'train_mlp.linear-model',
}

# correct solutions in the styles students write: full marks and no hint
ALTERNATIVES = {
    'prints_shapes': {'linear_forward': '''
def linear_forward(x, W, b):
    print("linear_forward", tuple(x.shape), tuple(W.shape))
    out = x.reshape(x.shape[0], -1) @ W + b
    return out, (x, W)
''', 'linear_backward': '''
def linear_backward(dout, cache):
    x, W = cache
    print("dout", dout.shape)
    dx = (dout @ W.T).reshape(x.shape)
    dW = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(dim=0)
    return dx, dW, db
'''},
}
