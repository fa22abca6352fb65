"""Week 2's proof: realistic buggy variants of the week 2 reference, each paired with the case it must fail.

Read by autograder.casekit.proof: MUTANTS (name → the case it must fail, {definition: new
source}), ALTERNATIVES (correct solutions in students' styles: full marks, no hint) and HINTS (the
catalogue hint each mutant must get)."""


MUTANTS = {
    'softmax_global_max': ('softmax/mixed_extremes', {'softmax': '''
def softmax(logits, dim=-1):
    exp = torch.exp(logits - logits.max())
    return exp / exp.sum(dim=dim, keepdim=True)
'''}),
    'softmax_no_shift': ('softmax/overflow', {'softmax': '''
def softmax(logits, dim=-1):
    exp = torch.exp(logits)
    return exp / exp.sum(dim=dim, keepdim=True)
'''}),
    'softmax_ignores_dim': ('softmax/values', {'softmax': '''
def softmax(logits, dim=-1):
    shifted = logits - logits.amax(dim=-1, keepdim=True)
    exp = torch.exp(shifted)
    return exp / exp.sum(dim=-1, keepdim=True)
'''}),
    'softmax_in_place': ('softmax/invariants', {'softmax': '''
def softmax(logits, dim=-1):
    logits -= logits.amax(dim=dim, keepdim=True)
    exp = torch.exp(logits)
    return exp / exp.sum(dim=dim, keepdim=True)
'''}),
    'softmax_always_float64': ('softmax/float32', {'softmax': '''
def softmax(logits, dim=-1):
    x = logits.double()
    exp = torch.exp(x - x.amax(dim=dim, keepdim=True))
    return exp / exp.sum(dim=dim, keepdim=True)
'''}),
    'softmax_library_alias': ('softmax/values', {'softmax': '''
def softmax(logits, dim=-1):
    f = getattr(torch, "soft" + "max")
    return f(logits, dim=dim)
'''}),
    'log_softmax_naive': ('log_softmax/large_gaps', {'log_softmax': '''
def log_softmax(logits, dim=-1):
    return torch.log(softmax(logits, dim=dim))
'''}),
    'ce_mean_is_sum': ('cross_entropy/mean', {'cross_entropy': '''
def cross_entropy(logits, target, reduction='mean'):
    losses = -log_softmax(logits, dim=1).gather(1, target.long().unsqueeze(1)).squeeze(1)
    return losses if reduction == 'none' else losses.sum()
'''}),
    'ce_library': ('cross_entropy/mean', {'cross_entropy': '''
import torch.nn.functional as F
def cross_entropy(logits, target, reduction='mean'):
    return F.cross_entropy(logits, target.long(), reduction=reduction)
'''}),
    'ce_int64_only': ('cross_entropy/int32_targets', {'cross_entropy': '''
import torch.nn.functional as F
def cross_entropy(logits, target, reduction='mean'):
    onehot = F.one_hot(target, logits.shape[1]).to(logits.dtype)  # one_hot needs int64
    losses = -(onehot * log_softmax(logits, dim=1)).sum(dim=1)
    return {'mean': losses.mean(), 'sum': losses.sum(), 'none': losses}[reduction]
'''}),
    'ce_none_keeps_dim': ('cross_entropy/none', {'cross_entropy': '''
def cross_entropy(logits, target, reduction='mean'):
    losses = -log_softmax(logits, dim=1).gather(1, target.long().unsqueeze(1))
    return {'mean': losses.mean(), 'sum': losses.sum(), 'none': losses}[reduction]
'''}),
    'ce_detached': ('cross_entropy/autograd', {'cross_entropy': '''
def cross_entropy(logits, target, reduction='mean'):
    logp = log_softmax(logits.detach(), dim=1)
    losses = -logp.gather(1, target.long().unsqueeze(1)).squeeze(1)
    return {'mean': losses.mean(), 'sum': losses.sum(), 'none': losses}[reduction]
'''}),
    'mse_broadcasts': ('mse_loss/shape_mismatch', {'mse_loss': '''
def mse_loss(pred, target, reduction='mean'):
    sq = (pred - target) ** 2
    return {'mean': sq.mean(), 'sum': sq.sum(), 'none': sq}[reduction]
'''}),
    'mse_in_place': ('mse_loss/invariants', {'mse_loss': '''
def mse_loss(pred, target, reduction='mean'):
    if pred.shape != target.shape:
        raise ValueError("pred and target must have the same shape")
    pred -= target
    sq = pred ** 2
    return {'mean': sq.mean(), 'sum': sq.sum(), 'none': sq}[reduction]
'''}),
    'gaussian_no_constant': ('gaussian_nll/scalar_sigma', {'gaussian_nll': '''
def gaussian_nll(y, mu, sigma):
    sigma = torch.as_tensor(sigma, dtype=y.dtype)
    return (torch.log(sigma) + (y - mu) ** 2 / (2 * sigma ** 2)).sum()
'''}),
    'gaussian_mean_not_sum': ('gaussian_nll/scalar_sigma', {'gaussian_nll': '''
def gaussian_nll(y, mu, sigma):
    sigma = torch.as_tensor(sigma, dtype=y.dtype)
    return (0.5 * math.log(2 * math.pi) + torch.log(sigma) + (y - mu) ** 2 / (2 * sigma ** 2)).mean()
'''}),
    'bernoulli_sign': ('bernoulli_nll/values', {'bernoulli_nll': '''
def bernoulli_nll(p, y):
    return (y * torch.log(p) + (1 - y) * torch.log(1 - p)).sum()
'''}),
    'ce_grad_no_divide': ('softmax_ce_grad/values', {'softmax_ce_grad': '''
def softmax_ce_grad(logits, target):
    grad = softmax(logits, dim=1).clone()
    grad[torch.arange(logits.shape[0]), target.long()] -= 1
    return grad
'''}),
    'ce_grad_autograd': ('softmax_ce_grad/values', {'softmax_ce_grad': '''
def softmax_ce_grad(logits, target):
    x = logits.detach().clone().requires_grad_(True)
    cross_entropy(x, target).backward()
    return x.grad
'''}),
    'ce_grad_sign': ('softmax_ce_grad/values', {'softmax_ce_grad': '''
def softmax_ce_grad(logits, target):
    onehot = torch.zeros_like(logits)
    onehot[torch.arange(logits.shape[0]), target.long()] = 1.0
    return (onehot - softmax(logits, dim=1)) / logits.shape[0]
'''}),
    'ce_mean_over_entries': ('cross_entropy/mean', {'cross_entropy': '''
def cross_entropy(logits, target, reduction='mean'):
    onehot = torch.zeros_like(logits)
    onehot[torch.arange(logits.shape[0]), target.long()] = 1.0
    losses = -(onehot * log_softmax(logits, dim=1))
    if reduction == 'none':
        return losses.sum(dim=1)
    return losses.sum() if reduction == 'sum' else losses.mean()
'''}),
}

# the catalogue's hint each mutant must get (../shared/specs/hints.md); the others' classes are not in it
HINTS = {
    'softmax_global_max': 'softmax.global-max',
    'softmax_no_shift': 'softmax.no-max-shift',
    'softmax_ignores_dim': 'softmax.ignores-dim',
    'softmax_in_place': 'softmax.mutates-input',
    'softmax_always_float64': 'softmax.dtype-changed',
    'softmax_library_alias': 'softmax.forbidden-call',
    'log_softmax_naive': 'log_softmax.log-of-softmax',
    'ce_mean_is_sum': 'cross_entropy.wrong-reduction',
    'ce_mean_over_entries': 'cross_entropy.wrong-reduction',
    'ce_library': 'cross_entropy.forbidden-call',
    'mse_broadcasts': 'mse_loss.broadcasts',
    'mse_in_place': 'mse_loss.mutates-input',
    'bernoulli_sign': 'bernoulli_nll.sign',
    'ce_grad_no_divide': 'softmax_ce_grad.not-divided-by-n',
    'ce_grad_sign': 'softmax_ce_grad.sign',
    'ce_grad_autograd': 'softmax_ce_grad.forbidden-call',
}

# correct solutions in the styles students write: full marks and no hint
ALTERNATIVES = {
    'values_max_and_logsumexp': {'softmax': '''
def softmax(logits, dim=-1):
    m, _ = torch.max(logits, dim=dim, keepdim=True)
    z = torch.exp(logits - m)
    return z / torch.sum(z, dim=dim, keepdim=True)
''', 'log_softmax': '''
def log_softmax(logits, dim=-1):
    m = logits.max(dim=dim, keepdim=True).values
    shifted = logits - m
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))
''', 'cross_entropy': '''
def cross_entropy(logits, target, reduction='mean'):
    n = logits.shape[0]
    logp = log_softmax(logits, dim=1)
    losses = -logp[range(n), target.long()]
    if reduction == 'mean':
        return losses.sum() / n
    elif reduction == 'sum':
        return losses.sum()
    return losses
''', 'softmax_ce_grad': '''
def softmax_ce_grad(logits, target):
    n = logits.shape[0]
    p = softmax(logits, dim=1)
    onehot = torch.nn.functional.one_hot(target.long(), num_classes=logits.shape[1]).to(logits.dtype)
    return (p - onehot) / n
''', 'bernoulli_nll': '''
def bernoulli_nll(p, y):
    return -torch.sum(y * torch.log(p) + (1.0 - y) * torch.log(1.0 - p))
'''},
}
