"""Realistic buggy variants of the week 4 reference: (case it must fail, function, [(old, new)])."""

MUTANTS = {
    "dropout_keep_probability": ("dropout/drop_fraction", "dropout_forward", [
        ("dtype=x.dtype, device=x.device) >= p", "dtype=x.dtype, device=x.device) < p"),
        ("keep.to(x.dtype) / (1 - p)", "keep.to(x.dtype) / p")]),
    "dropout_not_inverted": ("dropout/inverted_scaling", "dropout_forward", [
        ("mask = keep.to(x.dtype) / (1 - p)", "mask = keep.to(x.dtype)")]),
    "dropout_scales_in_eval": ("dropout/eval_identity", "dropout_forward", [
        ("    if not train or p == 0:\n        mask = torch.ones_like(x)",
         "    if not train or p == 0:\n        mask = torch.ones_like(x) * (1 - p)")]),
    "dropout_p_one_divides_by_zero": ("dropout/p_zero_and_one", "dropout_forward", [
        ("    elif p >= 1:\n        mask = torch.zeros_like(x)\n", "")]),
    "dropout_backward_ignores_mask": ("dropout/backward", "dropout_forward", [
        ("    return dout * mask", "    return dout")]),
    # the mask drawn from torch's global generator: statistically right, not reproducible
    "dropout_ignores_generator": ("dropout/uses_generator", "dropout_forward", [
        ("torch.rand(x.shape, generator=generator, dtype=x.dtype", "torch.rand(x.shape, dtype=x.dtype")]),
    "dropout_library": ("dropout/drop_fraction", "dropout_forward", [
        ("    return x * mask, mask", "    return F.dropout(x, p, train), mask")]),
    "bn_unbiased_normalisation": ("batchnorm/train_forward", "batchnorm_forward", [
        ("var = ((x - mean) ** 2).mean(dim=0)", "var = ((x - mean) ** 2).sum(dim=0) / (n - 1)"),
        ("var.detach() * n / (n - 1)", "var.detach()")]),
    "bn_running_var_biased": ("batchnorm/running_stats", "batchnorm_forward", [
        ("momentum * var.detach() * n / (n - 1)", "momentum * var.detach()")]),
    "bn_running_stats_2d": ("batchnorm/running_stats", "batchnorm_forward", [
        ("mean = x.mean(dim=0)", "mean = x.mean(dim=0, keepdim=True)"),
        ("var = ((x - mean) ** 2).mean(dim=0)", "var = ((x - mean) ** 2).mean(dim=0, keepdim=True)")]),
    "bn_momentum_reversed": ("batchnorm/running_stats", "batchnorm_forward", [
        ("(1 - momentum) * state[\"running_mean\"] + momentum * mean.detach()",
         "momentum * state[\"running_mean\"] + (1 - momentum) * mean.detach()"),
        ("(1 - momentum) * state[\"running_var\"] + momentum * var.detach() * n / (n - 1)",
         "momentum * state[\"running_var\"] + (1 - momentum) * var.detach() * n / (n - 1)")]),
    "bn_eval_forgets_gamma_beta": ("batchnorm/eval", "batchnorm_forward", [
        ("    return gamma * x_hat + beta, (x_hat, gamma, inv_std)",
         "    if not train:\n        return x_hat, (x_hat, gamma, inv_std)\n    return gamma * x_hat + beta, (x_hat, gamma, inv_std)")]),
    "bn_eval_uses_batch_stats": ("batchnorm/eval", "batchnorm_forward", [
        ("        mean, var = state[\"running_mean\"], state[\"running_var\"]",
         "        mean, var = x.mean(dim=0), ((x - x.mean(dim=0)) ** 2).mean(dim=0)")]),
    "bn_backward_drops_mean_term": ("batchnorm/backward", "batchnorm_forward", [
        ("(n * dx_hat - dx_hat.sum(dim=0) - x_hat * (dx_hat * x_hat).sum(dim=0))",
         "(n * dx_hat - x_hat * (dx_hat * x_hat).sum(dim=0))")]),
    "l2_with_half": ("weight_decay/l2_penalty", "l2_penalty", [
        ("return reg * sum((W ** 2).sum() for W in params)", "return 0.5 * reg * sum((W ** 2).sum() for W in params)")]),
    "coupled_decay_doubled": ("weight_decay/coupled", "l2_penalty", [
        ("return param - lr * (grad + wd * param)", "return param - lr * (grad + 2 * wd * param)")]),
    "decoupled_without_lr": ("weight_decay/decoupled", "l2_penalty", [
        ("return param * (1 - lr * wd) - lr * grad", "return param * (1 - wd) - lr * grad")]),
    "sgd_step_in_place": ("weight_decay/invariants", "l2_penalty", [
        ("return param - lr * (grad + wd * param)", "param -= lr * (grad + wd * param)\n    return param")]),
    "es_tie_counts_as_improvement": ("EarlyStopping/ties", "EarlyStopping", [
        ("improved = metric < self.best - self.min_delta", "improved = metric <= self.best - self.min_delta")]),
    "es_ignores_min_delta": ("EarlyStopping/min_delta", "EarlyStopping", [
        ("improved = metric < self.best - self.min_delta", "improved = metric < self.best"),
        ("improved = metric > self.best + self.min_delta", "improved = metric > self.best")]),
    "es_ignores_mode": ("EarlyStopping/max_mode", "EarlyStopping", [
        ("        elif self.mode == 'min':\n            improved = metric < self.best - self.min_delta\n"
         "        else:\n            improved = metric > self.best + self.min_delta",
         "        else:\n            improved = metric < self.best - self.min_delta")]),
    "es_nan_improves": ("EarlyStopping/nan", "EarlyStopping", [
        ("        if math.isnan(metric):\n            improved = False\n        elif self.best is None:",
         "        if self.best is None or math.isnan(self.best):"),
        ("improved = metric < self.best - self.min_delta", "improved = not (metric >= self.best - self.min_delta)")]),
    "train_without_regularization": ("train_regularized/uses_regularization", "train_regularized", [
        ("nn.ReLU(), nn.Dropout(0.2), nn.Linear", "nn.ReLU(), nn.Linear"),
        (", weight_decay=1e-4)", ")")]),
    "train_barely": ("train_regularized/val_accuracy", "train_regularized", [("for _ in range(150):", "for _ in range(5):")]),
}

# Correct solutions written another way (as students do): each must get full marks.
ALTERNATIVES = {
    # the common idiom: a bool mask divided by keep is a float32 scale (off by ~3e-8 in float64)
    "float32_mask_idiom": {"dropout_forward": '''
def dropout_forward(x, p, train, generator=None):
    if not train or p == 0:
        return x, torch.ones_like(x)
    if p >= 1:
        return x * 0, torch.zeros_like(x)
    keep = 1 - p
    mask = (torch.rand(x.shape, generator=generator) < keep) / keep
    return x * mask, mask


def dropout_backward(dout, mask):
    return dout * mask
'''},
}

# the catalogue's hint each mutant must get (../shared/specs/hints.md); the others' classes are not in it
HINTS = {
    "dropout_keep_probability": "dropout.p-is-keep",
    "dropout_not_inverted": "dropout.not-inverted",
    "dropout_scales_in_eval": "dropout.eval-scales",
    "dropout_p_one_divides_by_zero": "dropout.p-equals-1",
    "dropout_backward_ignores_mask": "dropout.backward-new-mask",
    "dropout_ignores_generator": "dropout.ignores-generator",
    "dropout_library": "dropout.forbidden-call",
    "bn_unbiased_normalisation": "batchnorm.unbiased-variance",
    "bn_running_var_biased": "batchnorm.running-var-biased",
    "bn_momentum_reversed": "batchnorm.momentum-reversed",
    "bn_eval_forgets_gamma_beta": "batchnorm.eval-no-affine",
    "bn_eval_uses_batch_stats": "batchnorm.eval-batch-stats",
    "bn_backward_drops_mean_term": "batchnorm.backward",
    "l2_with_half": "weight_decay.l2-scale",
    "coupled_decay_doubled": "weight_decay.coupled-twice",
    "decoupled_without_lr": "weight_decay.decoupled-lr",
    "sgd_step_in_place": "weight_decay.mutates-input",
    "es_tie_counts_as_improvement": "EarlyStopping.improvement-rule",
    "es_ignores_min_delta": "EarlyStopping.improvement-rule",
    "es_ignores_mode": "EarlyStopping.mode-max",
    "es_nan_improves": "EarlyStopping.improvement-rule",
    "train_without_regularization": "train_regularized.no-regularisation",
}
