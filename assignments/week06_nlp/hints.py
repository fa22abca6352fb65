"""Week 6 hints (see autograder.casekit.hints): variants of the vocabulary, RNN, attention and
positional-encoding references, computed by the grader in float64."""

from __future__ import annotations

import math
import unicodedata
from collections import Counter

import torch

from autograder.casekit.hints import Whole, as64, answer, any_of, rule, same, variant
from autograder.protocol.wire import TensorValue


# -- vocabulary ------------------------------------------------------------------------------------
def _vocab(texts, min_freq=1, specials=("<pad>", "<unk>"), *, strict=False, nfc=True, specials_last=False,
           first_seen_ties=False):
    counts = Counter(t for text in texts for t in (unicodedata.normalize("NFC", text) if nfc else text).split())
    vocab = {} if specials_last else {s: i for i, s in enumerate(specials)}
    ordered = counts.most_common() if first_seen_ties else sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    for token, count in ordered:
        if (count > min_freq if strict else count >= min_freq) and token not in vocab:
            vocab[token] = len(vocab)
    if specials_last:
        for s in specials:
            vocab.setdefault(s, len(vocab))
    return vocab


def _vocab_variant(**bug):
    return variant(answer(lambda *a, **k: Whole(_vocab(*a, **k, **bug))), answer(lambda *a, **k: Whole(_vocab(*a, **k))),
                   fn="build_vocab")


def _encode(text, vocab, *, unk_is_pad=False):
    unk = 0 if unk_is_pad else vocab["<unk>"]
    return [vocab.get(t, unk) for t in unicodedata.normalize("NFC", text).split()]


# -- RNN -------------------------------------------------------------------------------------------
def _rnn(x, h0, Wx, Wh, b, *, tanh=True, zero_h0=False, transposed=False, swapped=False, shift=""):
    h, hs = (torch.zeros_like(h0) if zero_h0 else h0), []
    for t in range(x.shape[0]):
        Wi, Wr = (Wh, Wx) if swapped else (Wx, Wh.T if transposed else Wh)
        pre = x[t] @ Wi + h @ Wr + b
        h = torch.tanh(pre) if tanh else pre
        hs.append(h)
    if shift == "with-h0":
        hs = [h0] + hs
    elif shift == "shifted":
        hs = [h0] + hs[:-1]
    elif shift == "one-short":
        hs = hs[:-1]
    return torch.stack(hs) if hs else torch.zeros((0, *h0.shape), dtype=h0.dtype)


def _step(x_t, h, Wx, Wh, b, **bug):
    return _rnn(x_t.unsqueeze(0), h, Wx, Wh, b, **bug)[0]


def _rnn_variant(**bug):
    """The mistake in ``rnn_step`` and in ``rnn_forward`` (each case calls one of them)."""
    step, forward = answer(lambda *a: _step(*a, **bug)), answer(lambda *a: _rnn(*a, **bug))
    return variant(lambda call: step(call) if call.fn == "rnn_step" else forward(call))


def _detached_grads(case, observations):
    """The right hidden states, but the gradients of a loop that detaches the state between steps
    (autograd through it, against what the grader took through the student's ``rnn_forward``) —
    or none at all where every state was detached."""
    seen = 0
    for call, obs in zip(case.calls, observations):
        if not call.grad_args:
            continue
        if not isinstance(obs.grads, tuple) and obs.grad_error:
            states = _rnn(*[as64(a) for a in call.args])
            if same(obs.output, states, 1e-6):
                seen += 1
                continue
            return None
        if not isinstance(obs.grads, tuple):
            continue
        args = [as64(a) for a in call.args]
        leaves = [args[i].requires_grad_(True) for i in call.grad_args]

        def run(detach: bool):
            h, hs = args[1], []
            for t in range(args[0].shape[0]):
                h = torch.tanh(args[0][t] @ args[2] + h @ args[3] + args[4])
                hs.append(h)
                if detach:
                    h = h.detach()
            out = torch.stack(hs)
            return torch.autograd.grad(out, leaves, grad_outputs=as64(call.upstream), allow_unused=True)

        right, wrong = run(False), run(True)
        wrong = [torch.zeros_like(leaf) if g is None else g for g, leaf in zip(wrong, leaves)]
        if same(list(obs.grads), list(right), 1e-6) or not same(list(obs.grads), list(wrong), 1e-6):
            return None
        seen += 1
    return "" if seen else None


# -- attention ---------------------------------------------------------------------------------------
def _attention(q, k, v, mask=None, *, scale="sqrt", dim=-1, mask_fill=None, after_softmax=False, shift=True,
               weights=False):
    d = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / {"sqrt": math.sqrt(d), "d": d, "none": 1.0}[scale]
    if mask is not None and not after_softmax:
        if mask_fill is None:
            scores = scores.masked_fill(~mask, float("-inf"))
        else:
            scores = scores.masked_fill(mask, mask_fill)
    if shift:
        attn = torch.softmax(scores, dim=dim)
    else:
        e = torch.exp(scores)
        attn = e / e.sum(dim=dim, keepdim=True)
    if mask is not None and after_softmax:
        attn = attn.masked_fill(~mask, 0.0)
    return (attn @ v, attn)


def _att(**bug):
    return variant(answer(lambda *a, **k: _attention(*a, **k, **bug)))


# -- positions ---------------------------------------------------------------------------------------
def _positions(T, d, *, swapped=False, halves=False, exponent_i=False, odd_ok=False):
    pos = torch.arange(T, dtype=torch.float64).unsqueeze(1)
    idx = torch.arange(0, (d + 1) // 2, dtype=torch.float64) if exponent_i else torch.arange(0, d, 2, dtype=torch.float64)
    angle = pos / torch.pow(10000.0, idx / d)
    first, second = (torch.cos(angle), torch.sin(angle)) if swapped else (torch.sin(angle), torch.cos(angle))
    if halves:
        return torch.cat([first, second], dim=1)[:, :d]
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = first, second[:, :d // 2]
    return pe


def _positions_dtype(case, observations):
    for obs in observations:
        if isinstance(obs.output, TensorValue) and obs.output.dtype != "float32":
            return f"float32 → {obs.output.dtype}"
    return None


def _odd_accepted(case, observations):
    for obs in observations:
        if obs.status == "ok" or (obs.status == "error" and (obs.error.type if obs.error else None) != "ValueError"):
            return ""
    return None


def hints(cases) -> list:
    return [
        rule("vocab.min-freq",
             "min_freq는 '이상'입니다: 빈도가 min_freq와 같은 토큰도 포함하세요 (> 가 아니라 ≥)",
             "`min_freq` is inclusive: keep a token whose count equals it (≥, not >)",
             _vocab_variant(strict=True)),
        rule("vocab.unicode-normalisation",
             "텍스트를 NFC로 정규화하지 않아 조합형/분해형 한글이 다른 토큰으로 세어졌습니다 (unicodedata.normalize('NFC', …))",
             "Text is not NFC-normalised, so composed and decomposed Hangul count apart (unicodedata.normalize('NFC', …))",
             _vocab_variant(nfc=False)),
        rule("vocab.specials-order",
             "특수 토큰이 주어진 순서대로 맨 앞(0, 1, …)에 와야 합니다",
             "Special tokens come first (ids 0, 1, …), in the order given",
             _vocab_variant(specials_last=True)),
        rule("vocab.tie-order",
             "빈도가 같은 토큰은 사전순으로 정렬해야 합니다 (처음 본 순서가 아님)",
             "Tokens with equal counts are ordered lexicographically, not by first appearance",
             _vocab_variant(first_seen_ties=True)),
        rule("vocab.unk-index",
             "모르는 토큰을 <pad>의 id로 바꿨습니다. vocab['<unk>']를 쓰세요",
             "Unknown tokens are mapped to the padding id: use `vocab['<unk>']`",
             variant(answer(lambda t, v: _encode(t, v, unk_is_pad=True)), answer(_encode), fn="encode")),
        rule("embedding.backward-overwrite",
             "같은 id가 여러 번 나오면 기울기를 더해야 합니다. dW[ids] = dout 대신 index_add_ 같은 누적을 쓰세요",
             "Repeated token ids must add their gradients: `dW[ids] = dout` keeps one of them (accumulate, e.g. index_add_)",
             variant(answer(_assigned_dw), fn="embedding_backward")),
        rule("rnn.no-tanh",
             "은닉 상태에 tanh를 적용하지 않았습니다 (또는 편향을 tanh 밖에서 더함): h = tanh(x Wx + h Wh + b)",
             "No tanh on the hidden state: h = tanh(x Wx + h Wh + b)",
             _rnn_variant(tanh=False)),
        rule("rnn.h0-ignored",
             "주어진 초기 상태 h0를 쓰지 않고 0에서 시작했습니다",
             "The given initial state h0 is ignored (the loop starts from zeros)",
             variant(answer(lambda *a: _rnn(*a, zero_h0=True)))),
        rule("rnn.off-by-one",
             "출력이 한 스텝 밀렸거나 개수가 틀립니다: T개의 은닉 상태 h_1 … h_T를 (h0 없이) 쌓으세요",
             "Outputs are shifted by one or one too many/few: stack the T states h_1 … h_T (without h0)",
             any_of(variant(answer(lambda *a: _rnn(*a, shift="with-h0"))),
                    variant(answer(lambda *a: _rnn(*a, shift="shifted"))),
                    variant(answer(lambda *a: _rnn(*a, shift="one-short"))))),
        rule("rnn.swapped-weights",
             "입력 가중치와 은닉 가중치를 바꿔 썼습니다: x_t @ Wx, h @ Wh",
             "Input and hidden weights are swapped: x_t @ Wx and h @ Wh",
             _rnn_variant(swapped=True)),
        rule("rnn.transposed-weight",
             "가중치 하나를 전치해서 썼습니다 (h @ Wh.T). 이 과제의 모양은 Wx (D, H), Wh (H, H)이고 x @ W 형태입니다",
             "A weight is used transposed (h @ Wh.T): here Wx is (D, H), Wh is (H, H), used as x @ W",
             _rnn_variant(transposed=True)),
        rule("rnn.detached-state",
             "스텝 사이에서 은닉 상태를 detach해서 시간을 거슬러 기울기가 흐르지 않습니다",
             "The hidden state is detached between steps: no gradient flows back through time",
             _detached_grads, cases=("autograd",)),
        rule("attention.scale",
             "점수를 √d로 나눠야 합니다 (d로 나누거나 나누지 않음)",
             "Scores must be divided by √d (not by d, and not left unscaled)",
             any_of(_att(scale="d"), _att(scale="none"))),
        rule("attention.softmax-dim",
             "softmax를 키(key) 축인 마지막 차원(dim=-1)이 아닌 다른 축으로 계산했습니다",
             "The softmax runs over another dimension than the keys' (the last, dim=-1)",
             _att(dim=-2)),
        rule("attention.mask-reversed",
             "마스크가 반대입니다: True는 '볼 수 있음'이므로 False인 위치를 −inf로 채우세요",
             "The mask is reversed: True means may attend, so fill the False positions with −inf",
             any_of(_att(mask_fill=float("-inf")), _att(mask_fill=-1e9))),
        rule("attention.mask-after-softmax",
             "마스크를 softmax 뒤에 적용했습니다. softmax 전에 점수를 −inf로 채워야 각 행의 합이 1이 됩니다",
             "The mask is applied after the softmax: fill the scores with −inf before it so each row sums to 1",
             _att(after_softmax=True)),
        rule("attention.no-max-shift",
             "큰 점수에서 exp가 overflow됩니다. softmax 전에 각 행의 최댓값을 빼세요 (또는 안정적인 softmax를 쓰세요)",
             "Large scores overflow `exp`: subtract each row's maximum before the softmax",
             _att(shift=False)),
        rule("positions.sin-cos-swapped",
             "sin과 cos이 바뀌었습니다: 짝수 열은 sin, 홀수 열은 cos",
             "sin and cos are swapped: even columns take sin, odd columns cos",
             variant(answer(lambda T, d: _positions(T, d, swapped=True)))),
        rule("positions.interleave",
             "sin/cos을 앞뒤 절반으로 나눠 붙였습니다. 이 과제는 짝수/홀수 열을 번갈아(interleave) 씁니다",
             "sin and cos are placed in two halves: here they interleave (even columns sin, odd columns cos)",
             variant(answer(lambda T, d: _positions(T, d, halves=True)))),
        rule("positions.frequency",
             "주파수 지수가 틀렸습니다: 10000^(2i/d) (열 번호 2i를 d로 나눔)",
             "The frequency exponent is wrong: 10000^(2i/d) (the even column index 2i over d)",
             variant(answer(lambda T, d: _positions(T, d, exponent_i=True)))),
        rule("positions.odd-dim",
             "d가 홀수이면 ValueError를 내야 합니다",
             "An odd model dimension d must raise ValueError",
             _odd_accepted, cases=("odd_dimension",)),
        rule("positions.dtype-changed",
             "과제가 정한 대로 float32 텐서를 반환하세요 (.float())",
             "Return a float32 tensor, as the template states (`.float()`)",
             _positions_dtype, cases=("float32",)),
    ]


def _assigned_dw(dout, ids, n):
    dW = torch.zeros(n, dout.shape[-1], dtype=dout.dtype)
    dW[ids.reshape(-1)] = dout.reshape(-1, dout.shape[-1])
    return dW
