"""Realistic buggy variants of the week 3 reference.

Each mutant is (case it must fail, the function whose cell it edits, [(old, new), …]); the
edits are applied to the reference cell, so every mutant differs from it by one mistake.
"""

MUTANTS = {
    "linear_dx_not_reshaped": ("linear/backward", "linear_forward", [
        ("dx = (dout @ W.T).reshape(x.shape)", "dx = dout @ W.T")]),
    "linear_db_mean": ("linear/backward", "linear_forward", [("db = dout.sum(dim=0)", "db = dout.mean(dim=0)")]),
    "linear_no_flatten": ("linear/forward_nd", "linear_forward", [
        ("out = x.reshape(x.shape[0], -1) @ W + b", "out = x @ W + b")]),
    "linear_library": ("linear/forward", "linear_forward", [
        ("out = x.reshape(x.shape[0], -1) @ W + b", "out = F.linear(x.reshape(x.shape[0], -1), W.T, b)")]),
    "relu_grad_one_at_zero": ("relu/backward", "relu_forward", [("(cache > 0)", "(cache >= 0)")]),
    "relu_library": ("relu/forward", "relu_forward", [("return x.clamp(min=0), x", "return torch.relu(x), x")]),
    "sigmoid_overflows": ("sigmoid/stability", "sigmoid_forward", [
        ("out = torch.where(x >= 0, 1 / (1 + z), z / (1 + z))", "out = torch.exp(x) / (1 + torch.exp(x))")]),
    "sigmoid_backward_drops_dout": ("sigmoid/backward", "sigmoid_forward", [
        ("return dout * cache * (1 - cache)", "return cache * (1 - cache)")]),
    "sgd_ema_momentum": ("SGD/momentum", "SGD", [
        ("self.momentum * self.velocity[i] + g", "self.momentum * self.velocity[i] + (1 - self.momentum) * g")]),
    "sgd_none_grad_crashes": ("SGD/none_grad", "SGD", [
        ("                if p.grad is None:\n                    continue\n                g = p.grad\n                if self.momentum",
         "                g = p.grad\n                if self.momentum")]),
    "sgd_rebinds_instead_of_in_place": ("SGD/plain", "SGD", [("p -= self.lr * g", "p = p - self.lr * g")]),
    "sgd_zero_grad_noop": ("SGD/zero_grad", "SGD", [
        ("        for p in self.params:\n            p.grad = None", "        pass")]),
    # torch's fused kernel is torch.optim.Adam by another name: forbidden like torch.optim
    "adam_fused_kernel": ("Adam/defaults", "Adam", [
        ("self.t = [0] * len(self.params)", "self.t = [torch.zeros((), dtype=torch.float64) for _ in self.params]"),
        ("""                self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
                self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
                m_hat = self.m[i] / (1 - self.beta1 ** self.t[i])
                v_hat = self.v[i] / (1 - self.beta2 ** self.t[i])
                p -= self.lr * m_hat / (v_hat.sqrt() + self.eps)""",
         """                torch._fused_adam_([p], [g], [self.m[i]], [self.v[i]], [], [self.t[i]], lr=self.lr,
                                   beta1=self.beta1, beta2=self.beta2, weight_decay=0.0, eps=self.eps,
                                   amsgrad=False, maximize=False)""")]),
    "adam_no_bias_correction": ("Adam/defaults", "Adam", [
        ("m_hat = self.m[i] / (1 - self.beta1 ** self.t[i])", "m_hat = self.m[i]"),
        ("v_hat = self.v[i] / (1 - self.beta2 ** self.t[i])", "v_hat = self.v[i]")]),
    "adam_eps_inside_sqrt": ("Adam/hyperparameters", "Adam", [
        ("(v_hat.sqrt() + self.eps)", "(v_hat + self.eps).sqrt()")]),
    "adam_shared_step_counter": ("Adam/defaults", "Adam", [
        ("self.t = [0] * len(self.params)", "self.t = 0"),
        ("self.t[i] += 1", "self.t += 1"), ("self.beta1 ** self.t[i]", "self.beta1 ** self.t"),
        ("self.beta2 ** self.t[i]", "self.beta2 ** self.t")]),
    # lr read once at construction: a test that changes opt.lr between steps sees the old one
    "sgd_reads_lr_once": ("SGD/lr_changes", "SGD", [
        ("        self.lr = lr\n        self.momentum = momentum", "        self.lr = lr\n        self._lr = lr\n"
         "        self.momentum = momentum"), ("p -= self.lr * g", "p -= self._lr * g")]),
    # CS231n's v = μv − lr·g, p += v: the same as torch's while lr is constant
    "sgd_cs231n_momentum": ("SGD/lr_changes", "SGD", [
        ("self.velocity[i] = g.clone()", "self.velocity[i] = -self.lr * g"),
        ("self.momentum * self.velocity[i] + g", "self.momentum * self.velocity[i] - self.lr * g"),
        ("                    g = self.velocity[i]\n                p -= self.lr * g",
         "                    p += self.velocity[i]\n                else:\n                    p -= self.lr * g")]),
    # one step counter for the optimiser, advanced once per step(): right while every grad is set
    "adam_step_counter_per_step": ("Adam/lr_and_sparse_grads", "Adam", [
        ("self.t = [0] * len(self.params)", "self.t = [0] * len(self.params)\n        self.steps = 0"),
        ("        with torch.no_grad():\n            for i, p in enumerate(self.params):\n                if p.grad is None:"
         "\n                    continue\n                g = p.grad\n                self.t[i] += 1",
         "        self.steps += 1\n        with torch.no_grad():\n            for i, p in enumerate(self.params):\n"
         "                if p.grad is None:\n                    continue\n                g = p.grad\n"
         "                self.t[i] = self.steps")]),
    "adam_reads_lr_once": ("Adam/lr_and_sparse_grads", "Adam", [
        ("        self.lr = lr\n        self.beta1", "        self.lr = lr\n        self._lr = lr\n        self.beta1"),
        ("p -= self.lr * m_hat", "p -= self._lr * m_hat")]),
    "value_overwrites_grad": ("Value/reuse", "Value", [
        ("            self.grad += out.grad\n            other.grad += out.grad",
         "            self.grad = out.grad\n            other.grad = out.grad")]),
    "value_rsub_backwards": ("Value/reflected", "Value", [("return Value(other) - self", "return self - other")]),
    "value_relu_grad_at_zero": ("Value/activations", "Value", [
        ("(1.0 if self.data > 0 else 0.0)", "(1.0 if self.data >= 0 else 0.0)")]),
    "value_pow_derivative": ("Value/arithmetic", "Value", [
        ("k * self.data ** (k - 1) * out.grad", "k * self.data ** k * out.grad")]),
    "value_uses_torch_tanh": ("Value/activations", "Value", [
        ("t = math.tanh(self.data)", "t = float(torch.tanh(torch.tensor(self.data)))")]),
    "mlp_is_linear": ("train_mlp/accuracy", "train_mlp", [
        ("model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))",
         "model = nn.Linear(2, 2)")]),
    "mlp_barely_trained": ("train_mlp/beats_linear", "train_mlp", [("for _ in range(300):", "for _ in range(3):")]),
    # a linear model trained well: 0.864 on these points, above the old 0.86 threshold
    "mlp_is_a_trained_linear_model": ("train_mlp/beats_linear", "train_mlp", [
        ("model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))",
         "model = nn.Sequential(nn.Linear(2, 2))")]),
}

# Correct solutions written another way (as students do): each must get full marks, under the
# engine and under plain otter (what a function prints is not part of any test's output).
ALTERNATIVES = {
    "prints_shapes": {"linear_forward": '''
def linear_forward(x, W, b):
    print("linear_forward", tuple(x.shape), tuple(W.shape))
    out = x.reshape(x.shape[0], -1) @ W + b
    return out, (x, W)


def linear_backward(dout, cache):
    x, W = cache
    print("dout", dout.shape)
    dx = (dout @ W.T).reshape(x.shape)
    dW = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(dim=0)
    return dx, dW, db
'''},
}

# the catalogue's hint each mutant must get (../shared/specs/hints.md); the others' classes are not in it
HINTS = {
    "linear_dx_not_reshaped": "linear.dx-shape",
    "linear_db_mean": "linear.db-not-summed",
    "linear_no_flatten": "linear.no-flatten",
    "linear_library": "linear.forbidden-call",
    "relu_grad_one_at_zero": "relu.grad-at-zero",
    "relu_library": "relu.forbidden-call",
    "sigmoid_overflows": "sigmoid.overflow",
    "sigmoid_backward_drops_dout": "sigmoid.backward-missing-dout",
    "sgd_ema_momentum": "SGD.momentum-form",
    "sgd_cs231n_momentum": "SGD.momentum-form",
    "sgd_none_grad_crashes": "SGD.none-grad",
    "sgd_reads_lr_once": "SGD.lr-read-once",
    "adam_fused_kernel": "Adam.forbidden-call",
    "adam_no_bias_correction": "Adam.bias-correction",
    "adam_eps_inside_sqrt": "Adam.eps-placement",
    "adam_shared_step_counter": "Adam.step-count",
    "adam_step_counter_per_step": "Adam.step-count",
    "value_overwrites_grad": "Value.grad-overwritten",
    "value_rsub_backwards": "Value.reflected-ops",
    "value_relu_grad_at_zero": "Value.local-derivative",
    "value_pow_derivative": "Value.local-derivative",
    "value_uses_torch_tanh": "Value.forbidden-call",
    "mlp_is_linear": "train_mlp.linear-model",
    "mlp_is_a_trained_linear_model": "train_mlp.linear-model",
}
