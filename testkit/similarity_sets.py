"""Week 2 cohorts for the similarity index: independent solutions in the styles students write (every
function drawn from several correct ways of writing it, with each student's own habits), and copies
of some of them disguised as a copier would (names, comments, order, dead lines, ``a += b``)."""

from __future__ import annotations

import random
import re

HEADER = "import math\nimport torch\n"

WAYS = {
    "softmax": [
        "def softmax(logits, dim=-1):\n    shifted = logits - logits.amax(dim=dim, keepdim=True)\n"
        "    exp = torch.exp(shifted)\n    return exp / exp.sum(dim=dim, keepdim=True)\n",
        "def softmax(logits, dim=-1):\n    m, _ = torch.max(logits, dim=dim, keepdim=True)\n    e = torch.exp(logits - m)\n"
        "    total = torch.sum(e, dim=dim, keepdim=True)\n    return e / total\n",
        "def softmax(logits, dim=-1):\n    z = logits - logits.max(dim, keepdim=True).values\n    num = z.exp()\n"
        "    den = num.sum(dim, keepdim=True)\n    out = num / den\n    return out\n",
        "def softmax(logits, dim=-1):\n    return torch.exp(log_softmax(logits, dim=dim))\n",
    ],
    "log_softmax": [
        "def log_softmax(logits, dim=-1):\n    shifted = logits - logits.amax(dim=dim, keepdim=True)\n"
        "    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))\n",
        "def log_softmax(logits, dim=-1):\n    return logits - torch.logsumexp(logits, dim=dim, keepdim=True)\n",
        "def log_softmax(logits, dim=-1):\n    m = logits.max(dim=dim, keepdim=True)[0]\n"
        "    lse = m + torch.log(torch.sum(torch.exp(logits - m), dim=dim, keepdim=True))\n    return logits - lse\n",
    ],
    "cross_entropy": [
        "def cross_entropy(logits, target, reduction='mean'):\n    logp = log_softmax(logits, dim=1)\n"
        "    losses = -logp.gather(1, target.long().unsqueeze(1)).squeeze(1)\n    if reduction == 'mean':\n"
        "        return losses.mean()\n    if reduction == 'sum':\n        return losses.sum()\n"
        "    if reduction == 'none':\n        return losses\n    raise ValueError(reduction)\n",
        "def cross_entropy(logits, target, reduction='mean'):\n    n = logits.shape[0]\n"
        "    picked = log_softmax(logits, dim=1)[torch.arange(n), target]\n    loss = -picked\n"
        "    if reduction == 'none':\n        return loss\n    elif reduction == 'sum':\n        return loss.sum()\n"
        "    elif reduction == 'mean':\n        return loss.sum() / n\n    else:\n"
        "        raise ValueError('bad reduction: ' + str(reduction))\n",
        "def cross_entropy(logits, target, reduction='mean'):\n    onehot = torch.zeros_like(logits)\n"
        "    onehot.scatter_(1, target.view(-1, 1), 1.0)\n    per = -(onehot * log_softmax(logits, 1)).sum(dim=1)\n"
        "    reductions = {'none': lambda t: t, 'sum': torch.sum, 'mean': torch.mean}\n"
        "    if reduction not in reductions:\n        raise ValueError(f'unknown reduction {reduction}')\n"
        "    return reductions[reduction](per)\n",
    ],
    "mse_loss": [
        "def mse_loss(pred, target, reduction='mean'):\n    if pred.shape != target.shape:\n"
        "        raise ValueError('shape mismatch')\n    sq = (pred - target) ** 2\n    if reduction == 'mean':\n"
        "        return sq.mean()\n    if reduction == 'sum':\n        return sq.sum()\n    if reduction == 'none':\n"
        "        return sq\n    raise ValueError(reduction)\n",
        "def mse_loss(pred, target, reduction='mean'):\n    assert pred.shape == target.shape, 'shapes differ'\n"
        "    diff = pred - target\n    err = diff * diff\n    if reduction == 'none':\n        return err\n"
        "    total = err.sum()\n    return total if reduction == 'sum' else total / err.numel()\n",
        "def mse_loss(pred, target, reduction='mean'):\n    if pred.size() != target.size():\n"
        "        raise ValueError(f'{pred.size()} vs {target.size()}')\n    out = torch.pow(pred - target, 2)\n"
        "    return {'mean': out.mean(), 'sum': out.sum(), 'none': out}[reduction]\n",
    ],
    "gaussian_nll": [
        "def gaussian_nll(y, mu, sigma):\n    sigma = torch.as_tensor(sigma, dtype=y.dtype)\n"
        "    nll = 0.5 * math.log(2 * math.pi) + torch.log(sigma) + (y - mu) ** 2 / (2 * sigma ** 2)\n"
        "    return nll.sum()\n",
        "def gaussian_nll(y, mu, sigma):\n    var = torch.tensor(sigma, dtype=y.dtype) ** 2\n"
        "    return (0.5 * torch.log(2 * math.pi * var) + 0.5 * (y - mu) ** 2 / var).sum()\n",
        "def gaussian_nll(y, mu, sigma):\n    s = torch.as_tensor(sigma).to(y)\n    const = math.log(math.sqrt(2 * math.pi))\n"
        "    total = 0\n    for yi, mi in zip(y.flatten(), torch.broadcast_to(mu, y.shape).flatten()):\n"
        "        total += const + torch.log(s) + (yi - mi) ** 2 / (2 * s * s)\n    return total\n",
    ],
    "bernoulli_nll": [
        "def bernoulli_nll(p, y):\n    return -(y * torch.log(p) + (1 - y) * torch.log1p(-p)).sum()\n",
        "def bernoulli_nll(p, y):\n    ll = y * p.log() + (1 - y) * (1 - p).log()\n    return -ll.sum()\n",
        "def bernoulli_nll(p, y):\n    eps = 1e-12\n    p = p.clamp(eps, 1 - eps)\n"
        "    return -torch.sum(y * torch.log(p) + (1.0 - y) * torch.log(1.0 - p))\n",
    ],
    "softmax_ce_grad": [
        "def softmax_ce_grad(logits, target):\n    n = logits.shape[0]\n    grad = softmax(logits, dim=1).clone()\n"
        "    grad[torch.arange(n), target.long()] -= 1\n    return grad / n\n",
        "def softmax_ce_grad(logits, target):\n    probs = softmax(logits, dim=1)\n"
        "    onehot = torch.nn.functional.one_hot(target, num_classes=logits.shape[1]).to(probs.dtype)\n"
        "    return (probs - onehot) / logits.size(0)\n",
        "def softmax_ce_grad(logits, target):\n    g = softmax(logits, 1)\n    for row, cls in enumerate(target.tolist()):\n"
        "        g[row, cls] = g[row, cls] - 1.0\n    return g / len(target)\n",
    ],
}

# a student's own habits: lines that are theirs, not the course's
HABITS = [
    "    # debug: print(x.shape)\n", "    assert torch.is_tensor({arg})\n", "    {arg} = {arg}.float()\n",
    "    _n_calls = {n}\n", "    if {arg}.numel() == 0:\n        return {arg}.sum() * 0\n",
    "    {arg} = {arg}.contiguous()\n", "    print('checking', {n})\n", "    tmp_{n} = {arg}.detach().clone()\n",
    "    if not {arg}.is_floating_point():\n        {arg} = {arg}.to(torch.float32)\n",
    "    counter = [{n}]\n    counter[0] += 1\n", "    shape_{n} = tuple({arg}.shape)\n",
]


def _first_arg(source: str) -> str:
    return re.search(r"def \w+\((\w+)", source).group(1)


def _with_habit(source: str, habit: str, n: int) -> str:
    head, _, body = source.partition("\n")
    return head + "\n" + habit.format(arg=_first_arg(source), n=n) + body


def independent(rng: random.Random) -> str:
    """One student's week 2: a way of writing each function, two or three habits, their order."""
    parts = []
    for name, ways in WAYS.items():
        parts.append(rng.choice(ways))
    for _ in range(rng.randint(2, 4)):
        k = rng.randrange(len(parts))
        parts[k] = _with_habit(parts[k], rng.choice(HABITS), rng.randint(1, 999))
    if rng.random() < 0.5:
        rng.shuffle(parts)
    return HEADER + "\n\n".join(parts)


RENAMES = {"shifted": "centered", "exp": "expo", "losses": "per_item", "logp": "log_probs", "sq": "squared",
           "grad": "gradient", "total": "acc", "onehot": "one_hot_t", "diff": "delta", "picked": "chosen"}


def disguise(code: str, rng: random.Random) -> str:
    """A copy as a copier hides it: some of renamed locals, comments, reordered functions, dead lines,
    ``x -= 1`` written out, blank lines."""
    out = code
    if rng.random() < 0.8:
        for old, new in RENAMES.items():
            out = re.sub(rf"\b{old}\b", new, out)
    funcs = re.split(r"\n(?=def )", out)
    head, funcs = (funcs[0], funcs[1:]) if not funcs[0].startswith("def ") else ("", funcs)
    if rng.random() < 0.8:
        rng.shuffle(funcs)
    dead = ["    unused = 0\n", "    if False:\n        print('never')\n", "    _ = None\n", "    pass\n"]
    funcs = [f.replace("\n", "\n" + rng.choice(dead), 1) if rng.random() < 0.5 else f for f in funcs]
    funcs = [re.sub(r"^(\s+)(.+?) (\+|-|\*|/)= (.+)$", r"\1\2 = \2 \3 \4", f, flags=re.M) for f in funcs]
    out = head + "\n" + "\n\n".join(f"# 제가 직접 작성했습니다 ({i})\n" + f for i, f in enumerate(funcs))
    return out.replace("\n\n", "\n\n\n")


def cohort(n: int, copies: int, seed: int = 0) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """``n`` independent students and ``copies`` disguised copies of some of them:
    (student id → code, [(copy, original)])."""
    rng = random.Random(seed)
    code = {f"s{i:03d}": independent(rng) for i in range(n)}
    pairs = []
    for c in range(copies):
        original = f"s{rng.randrange(n):03d}"
        code[f"c{c:03d}"] = disguise(code[original], rng)
        pairs.append((f"c{c:03d}", original))
    return code, pairs
