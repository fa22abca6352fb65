"""Week 2 hints: the mistakes named in feedback, each with its evidence (see autograder.casekit.hints).

Every variant below is a buggy version of the reference, computed by the grader in float64;
it fires when the student's values equal it where it differs from the right answer.
"""

from __future__ import annotations

import torch

from autograder.casekit.hints import answer, any_of, rule, variant


def _softmax_global_max(x, dim=-1):
    e = torch.exp(x - x.max())
    return e / e.sum(dim=dim, keepdim=True)


def _softmax_no_shift(x, dim=-1):
    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)


def _softmax_last_dim(x, dim=-1):
    return torch.softmax(x, dim=-1)


def _log_of_softmax(x, dim=-1):
    return torch.log(torch.softmax(x, dim=dim))


def _ce_losses(logits, target):
    return -torch.log_softmax(logits, dim=1).gather(1, target.long().unsqueeze(1)).squeeze(1)


def _ce_mean_is_sum(logits, target, reduction="mean"):
    losses = _ce_losses(logits, target)
    return losses if reduction == "none" else losses.sum()


def _ce_sum_is_mean(logits, target, reduction="mean"):
    losses = _ce_losses(logits, target)
    return losses if reduction == "none" else losses.mean()


def _ce_swapped(logits, target, reduction="mean"):
    losses = _ce_losses(logits, target)
    return {"mean": losses.sum(), "sum": losses.mean()}.get(reduction, losses)


def _ce_mean_over_entries(logits, target, reduction="mean"):
    losses = _ce_losses(logits, target)
    return losses.sum() / logits.numel() if reduction == "mean" else (losses.sum() if reduction == "sum" else losses)


def _grad(logits, target):
    onehot = torch.nn.functional.one_hot(target.long(), logits.shape[1]).to(logits.dtype)
    return torch.softmax(logits, dim=1) - onehot


def _grad_not_divided(logits, target):
    return _grad(logits, target)


def _grad_sign(logits, target):
    return -_grad(logits, target) / logits.shape[0]


def _mse_broadcasts(pred, target, reduction="mean"):
    sq = (pred - target) ** 2
    return {"mean": sq.mean(), "sum": sq.sum()}.get(reduction, sq)


def _bernoulli_log_likelihood(p, y):
    return (y * torch.log(p) + (1 - y) * torch.log1p(-p)).sum()


def hints(cases) -> list:
    return [
        rule("softmax.global-max",
             "각 행(해당 dim)의 최댓값을 빼야 합니다 — 지금은 텐서 전체의 최댓값을 뺀 것과 같은 값이 나옵니다. "
             "최댓값이 크게 다른 행이 섞이면 어떤 행은 전부 exp(−큰 수) = 0이 됩니다",
             "Subtract each row's maximum along `dim`, not the whole tensor's: rows whose maxima differ "
             "a lot underflow to 0/0",
             variant(answer(_softmax_global_max))),
        rule("softmax.no-max-shift",
             "exp 전에 최댓값을 빼지 않아 큰 logit에서 exp가 overflow(inf)합니다. softmax(x − c) = softmax(x)를 이용하세요",
             "No maximum subtracted before `exp`: large logits overflow to inf; use softmax(x − c) = softmax(x)",
             variant(answer(_softmax_no_shift))),
        rule("softmax.ignores-dim",
             "`dim` 인자와 상관없이 항상 마지막 차원으로 계산하고 있습니다. max/sum에 `dim=dim`을 넘기세요",
             "Always reduces the last dimension whatever `dim` says: pass `dim` to every reduction",
             variant(answer(_softmax_last_dim))),
        rule("log_softmax.log-of-softmax",
             "log(softmax(x))는 차이가 큰 logit에서 softmax가 0으로 underflow되어 −inf가 됩니다. "
             "x − max − log Σexp(x − max) 형태(log-sum-exp)로 계산하세요",
             "`log(softmax(x))` gives −inf when a gap is large: compute x − max − log Σ exp(x − max) (log-sum-exp)",
             variant(answer(_log_of_softmax))),
        rule("cross_entropy.wrong-reduction",
             "reduction이 잘못되었습니다: 'mean'과 'sum'이 바뀌었거나, 평균을 N개 샘플이 아니라 N·C개 원소로 나눴습니다",
             "Wrong reduction: `mean` and `sum` confused, or the mean taken over N·C entries instead of N samples",
             any_of(variant(answer(_ce_mean_is_sum)), variant(answer(_ce_sum_is_mean)),
                    variant(answer(_ce_swapped)), variant(answer(_ce_mean_over_entries)))),
        rule("softmax_ce_grad.not-divided-by-n",
             "평균 손실의 기울기는 (softmax − onehot)을 배치 크기 N으로 나눈 값입니다. N으로 나누는 것을 빠뜨렸습니다",
             "The gradient of the mean loss is (softmax − onehot) divided by the batch size N: the division is missing",
             variant(answer(_grad_not_divided))),
        rule("softmax_ce_grad.sign",
             "기울기의 부호가 반대입니다 (onehot − softmax). 손실이 커지는 방향이 양수인지 확인하세요",
             "The gradient has the wrong sign (onehot − softmax): check which direction increases the loss",
             variant(answer(_grad_sign))),
        rule("mse_loss.broadcasts",
             "(N, 1)과 (N,) 모양이 브로드캐스트되어 (N, N) 행렬의 평균이 계산되었습니다. 모양이 다르면 ValueError를 내세요",
             "(N, 1) against (N,) broadcast to (N, N) instead of raising: check the shapes and raise ValueError",
             variant(answer(_mse_broadcasts))),
        rule("bernoulli_nll.sign",
             "음의 로그 가능도(NLL)가 아니라 로그 가능도를 반환했습니다. 부호를 확인하세요",
             "Returns the log-likelihood instead of its negative: check the sign",
             variant(answer(_bernoulli_log_likelihood))),
    ]
