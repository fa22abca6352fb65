"""Week 6 hidden cases — vocabulary, embeddings, an RNN, attention, positions and a small
sentiment task (25 points).

References: the rules stated in the template for the vocabulary, torch's own ``nn.RNN``,
``F.embedding`` and softmax attention in float64, and the closed form for positions. The
sentiment task is generated from a seed by ``make_sentiment_data`` (the same code is in the
template, so students can practise); the held-out labels never enter the sandbox.

Accuracy threshold: the reference GRU reaches 1.000 on every seed in about 2 s; an
order-blind (bag-of-words) model cannot exceed 0.75 and a linear one stays near 0.50. The
threshold 0.95 leaves a margin of 0.05 under the reference; 0.80 earns the first point.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections import Counter

import torch
import torch.nn as nn

from autograder.casekit.checks import accuracy_check, held_out_seed, randn
from autograder.casekit.compare import describe
from autograder.casekit.question import question
from autograder.protocol.wire import TensorValue

SEEDS = (0, 1, 2)
F32 = torch.float32
SENTIMENT_THRESHOLD = 0.95
ORDER_BLIND_CEILING = 0.80  # above what a model that ignores word order can reach (0.75)


# -- vocabulary (the template's rules) -----------------------------------------------------------
def tokens(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def ref_vocab(texts, min_freq=1, specials=("<pad>", "<unk>")) -> dict[str, int]:
    counts = Counter(t for text in texts for t in tokens(text))
    vocab = {s: i for i, s in enumerate(specials)}
    for token, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if count >= min_freq and token not in vocab:
            vocab[token] = len(vocab)
    return vocab


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


VOCAB_ORDER = [
    (["the cat sat on the mat", "the dog sat", "a cat"], {}),
    (["b a c", "c b a", "d"], {}),  # ties everywhere: lexicographic order decides
    (["나는 밥을 먹었다", "나는 빵을 먹었다", "너는 밥을 먹었다 밥을"], {}),
    (["zeta alpha", "alpha beta", "beta zeta", "gamma"], {}),
]
VOCAB_MIN_FREQ = [
    (["a a b c c c d", "b e"], {"min_freq": 2}),
    (["x y z", "x y", "x"], {"min_freq": 3}),
    (["하나 둘 셋", "둘 셋", "셋"], {"min_freq": 2, "specials": ("<pad>", "<unk>", "<bos>", "<eos>")}),
    (["p q", "", "q"], {"specials": ("[PAD]", "[UNK]")}),
]
VOCAB_NFC = [
    ([nfd("한국어 문장 처리"), "한국어 문장", nfd("처리 한국어")], {}),
    (["학생 " + nfd("학생"), nfd("과제 제출") + " 과제"], {"min_freq": 2}),
]


def vocab_configs(rows, what):
    return [((texts,), kwargs, f"{what} #{i + 1}: texts={texts!r}" + (f", {kwargs}" if kwargs else ""))
            for i, (texts, kwargs) in enumerate(rows)]


def vocab_check(call, obs):
    texts, = call.args
    expected = ref_vocab(texts, **call.kwargs)
    got = obs.output
    if not isinstance(got, dict):
        return f"returned {describe(got)}, expected a dict token → id"
    for token, i in expected.items():
        if token not in got:
            close = [t for t in got if unicodedata.normalize("NFC", t) == token]
            hint = " (found a non-NFC spelling: normalise with unicodedata.normalize('NFC', …))" if close else ""
            return f"token {token!r} is missing{hint}"
        if got[token] != i:
            return f"token {token!r} has id {got[token]!r}, expected {i}"
    extra = sorted(set(got) - set(expected))
    if extra:
        return f"unexpected entries {extra[:5]!r} (min_freq, or tokens not NFC-normalised?)"
    return None


ENCODE_VOCAB = {"<pad>": 0, "<unk>": 1, "나는": 2, "밥을": 3, "먹었다": 4, "the": 5, "cat": 6}
ENCODE_KNOWN = [("나는 밥을 먹었다", ENCODE_VOCAB), ("the cat the", ENCODE_VOCAB), ("the dog 나는 빵을", ENCODE_VOCAB),
                ("  cat   ate  ", ENCODE_VOCAB), ("x", {"[PAD]": 0, "<unk>": 5, "x2": 1})]
ENCODE_EDGE = [("", ENCODE_VOCAB), ("   ", ENCODE_VOCAB), (nfd("나는 밥을 먹었다"), ENCODE_VOCAB)]


def encode_configs(rows):
    return [((text, vocab), {}, f"text={text!r}") for text, vocab in rows]


def encode_check(call, obs):
    text, vocab = call.args
    unk = vocab["<unk>"]
    expected = [vocab.get(t, unk) for t in tokens(text)]
    got = obs.output
    if isinstance(got, TensorValue) and len(got.shape) == 1 and not got.dtype.startswith("float"):
        got = [int(v) for v in got.to_torch().tolist()]
    if not isinstance(got, list) or got != expected:
        return f"returned {describe(got)}, expected {expected!r}"
    return None


# -- embedding ---------------------------------------------------------------------------------
def ref_embedding(ids, weight):
    return weight[ids]


def ref_embedding_backward(dout, ids, num_embeddings):
    dW = torch.zeros(num_embeddings, dout.shape[-1], dtype=dout.dtype)
    return dW.index_add_(0, ids.reshape(-1), dout.reshape(-1, dout.shape[-1]))


def ids_tensor(shape, vocab, seed, *, distinct=False):
    g = torch.Generator().manual_seed(3000 + seed)
    n = math.prod(shape)
    ids = torch.randperm(vocab, generator=g)[:n] if distinct else torch.randint(0, vocab, (n,), generator=g)
    return ids.view(shape)


def embedding_configs(dtype=torch.float64):
    configs = []
    for shape, vocab, dim in [((4, 6), 10, 5), ((7,), 30, 3), ((2, 3, 4), 12, 8)]:
        for seed in SEEDS:
            args = (ids_tensor(shape, vocab, seed), randn((vocab, dim), seed, dtype=dtype))
            configs.append((args, {}, f"ids {shape} from {vocab} tokens, dim={dim}, seed={seed}"))
    return configs


def embedding_backward_configs(*, distinct, dtype=torch.float64):
    configs = []
    for shape, vocab, dim in [((2, 5), 20, 4), ((9,), 12, 3), ((3, 4), 6, 2)]:
        if distinct and math.prod(shape) > vocab:
            continue
        for seed in SEEDS:
            ids = ids_tensor(shape, vocab, seed, distinct=distinct)
            if not distinct:
                ids.view(-1)[:3] = ids.view(-1)[0]  # make sure some ids repeat
            dout = randn((*shape, dim), seed + 40, dtype=dtype)
            label = f"ids {shape} {'all distinct' if distinct else 'with repeats'}, {vocab} tokens, seed={seed}"
            configs.append(((dout, ids, vocab), {}, label))
    return configs


# -- RNN ---------------------------------------------------------------------------------------
def ref_rnn_step(x_t, h, Wx, Wh, b):
    return torch.tanh(x_t @ Wx + h @ Wh + b)


def ref_rnn_loop(x, h0, Wx, Wh, b):
    h, hs = h0, []
    for t in range(x.shape[0]):
        h = ref_rnn_step(x[t], h, Wx, Wh, b)
        hs.append(h)
    return torch.stack(hs)


def ref_nn_rnn(x, h0, Wx, Wh, b):
    """torch.nn.RNN with the student's weights copied in (it stores their transposes)."""
    rnn = nn.RNN(Wx.shape[0], Wx.shape[1]).to(torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(Wx.T)
        rnn.weight_hh_l0.copy_(Wh.T)
        rnn.bias_ih_l0.copy_(b)
        rnn.bias_hh_l0.zero_()
        out, _ = rnn(x, h0.unsqueeze(0))
    return out


def rnn_params(d, hdim, seed, dtype):
    return (randn((d, hdim), seed + 10, scale=0.5, dtype=dtype), randn((hdim, hdim), seed + 20, scale=0.5, dtype=dtype),
            randn((hdim,), seed + 30, scale=0.5, dtype=dtype))


def rnn_step_configs(dtype=torch.float64):
    return [((randn((n, d), seed, dtype=dtype), randn((n, hdim), seed + 5, dtype=dtype), *rnn_params(d, hdim, seed, dtype)),
             {}, f"N={n}, D={d}, H={hdim}, seed={seed}") for (n, d, hdim) in [(3, 4, 5), (1, 2, 6)] for seed in SEEDS]


def rnn_configs(lengths=(4, 9), dtype=torch.float64):
    return [((randn((t, n, d), seed, dtype=dtype), randn((n, hdim), seed + 5, dtype=dtype),
              *rnn_params(d, hdim, seed, dtype)), {}, f"T={t}, N={n}, D={d}, H={hdim}, seed={seed}")
            for t in lengths for (n, d, hdim) in [(3, 4, 5), (2, 6, 3)] for seed in SEEDS]


# -- attention ---------------------------------------------------------------------------------
def ref_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    attn = torch.softmax(scores, dim=-1)
    return attn @ v


def ref_attention_weights(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1)


def qkv(lead, tq, tk, d, dv, seed, *, scale=1.0, dtype=torch.float64):
    return (randn((*lead, tq, d), seed, scale=scale, dtype=dtype), randn((*lead, tk, d), seed + 1, dtype=dtype),
            randn((*lead, tk, dv), seed + 2, dtype=dtype))


def attention_configs(lead=(2,), dtype=torch.float64):
    return [(qkv(lead, tq, tk, d, dv, seed, dtype=dtype), {},
             f"q {(*lead, tq, d)}, k {(*lead, tk, d)}, v {(*lead, tk, dv)}, seed={seed}")
            for (tq, tk, d, dv) in [(5, 5, 4, 3), (3, 7, 16, 5), (6, 2, 64, 8)] for seed in SEEDS]


def random_mask(shape, seed):
    g = torch.Generator().manual_seed(4000 + seed)
    mask = torch.rand(shape, generator=g) > 0.4
    mask[..., 0] = True  # every query may attend to at least one key
    return mask


def mask_configs():
    configs = []
    for seed in SEEDS:
        q, k, v = qkv((2,), 4, 6, 8, 3, seed)
        configs.append(((q, k, v), {"mask": random_mask((2, 4, 6), seed)}, f"q (2, 4, 8), k (2, 6, 8), mask (2, 4, 6), seed={seed}"))
        q, k, v = qkv((2, 3), 5, 5, 4, 4, seed)
        configs.append(((q, k, v), {"mask": random_mask((2, 1, 5, 5), seed)},
                        f"q (2, 3, 5, 4), mask (2, 1, 5, 5) broadcast over heads, seed={seed}"))
    return configs


def causal_configs():
    configs = []
    for t, lead, seed in [(6, (2,), 0), (4, (1, 2), 1), (1, (3,), 2)]:
        q, k, v = qkv(lead, t, t, 8, 2, seed)
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
        configs.append(((q, k, v), {"mask": causal}, f"causal mask for T={t}, q {(*lead, t, 8)}, seed={seed}"))
    return configs


def large_score_configs():
    return [(qkv((2,), 4, 5, 8, 3, seed, scale=3000.0), {}, f"q scaled ×3000 (scores in the thousands), seed={seed}")
            for seed in SEEDS]


# -- positions ---------------------------------------------------------------------------------
def ref_positions(T, d):
    pos = torch.arange(T, dtype=torch.float64).unsqueeze(1)
    angle = pos / torch.pow(10000.0, torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(angle), torch.cos(angle)
    return pe


# -- sentiment task (the same code is in the template) -----------------------------------------
POSITIVE = ["좋다", "훌륭하다", "재밌다", "최고다", "멋지다"]
NEGATIVE = ["나쁘다", "지루하다", "별로다", "최악이다", "아쉽다"]
FILLERS = ["이", "영화", "배우", "이야기", "정말", "오늘", "그", "음악", "장면", "진짜", "너무", "결말", "연기", "조금"]
NEGATION = "안"


def make_sentiment_data(n, seed):
    """n short reviews and labels (1 = positive). "안" right before the sentiment word flips
    it; a second "안" before another word does not, so word order matters."""
    rng = random.Random(seed)
    texts, labels = [], []
    for _ in range(n):
        words = [rng.choice(FILLERS) for _ in range(rng.randint(3, 8))]
        positive = rng.random() < 0.5
        negated = rng.random() < 0.5
        at = rng.randint(0, len(words))
        words[at:at] = ([NEGATION] if negated else []) + [rng.choice(POSITIVE if positive else NEGATIVE)]
        if rng.random() < 0.5:
            spots = [i for i, w in enumerate(words) if w in FILLERS]
            i = rng.choice(spots)
            words[i:i] = [NEGATION]
        texts.append(" ".join(words))
        labels.append(int(positive != negated))
    return texts, torch.tensor(labels, dtype=torch.int64)


# the held-out reviews' private key (a course may set its own: holdout_seed in grader.yml)
HELD_OUT_KEY = 0xe9273f1326f73dc


def sentiment_configs(seeds, key=HELD_OUT_KEY):
    texts, labels = make_sentiment_data(2000, 100)
    return [(((texts, labels, seed), [make_sentiment_data(1000, held_out_seed(key, seed))[0]]), {}, f"seed={seed}")
            for seed in seeds]


def sentiment_labels(key=HELD_OUT_KEY):
    return lambda call: make_sentiment_data(1000, held_out_seed(key, call.args[0][2]))[1]


def positions_dtype_check(call, obs):
    t, d = call.args
    if not isinstance(obs.output, TensorValue) or obs.output.shape != (t, d):
        return f"expected a ({t}, {d}) tensor, got {describe(obs.output)}"
    if obs.output.dtype != "float32":
        return f"dtype {obs.output.dtype}; the positions are a float32 tensor"
    return None


def cases(holdout_seed=None):
    key = holdout_seed or HELD_OUT_KEY
    vocab = question("vocab", fn="build_vocab")
    vocab.driven("order", "특수 토큰 먼저, 다음은 빈도순 (높음 → 낮음), 같으면 사전순 / specials first, then frequency (high → low), ties in lexicographic order",
                 vocab_configs(VOCAB_ORDER, "corpus"), vocab_check, driver="call", weight=1.5)
    vocab.driven("min_freq_and_specials", "min_freq로 드문 토큰 제외, 지정한 특수 토큰은 순서 유지 / min_freq drops rare tokens; custom specials keep their order",
                 vocab_configs(VOCAB_MIN_FREQ, "corpus"), vocab_check, driver="call", weight=1.0)
    vocab.driven("korean_nfc", "분해된(NFD) 한글도 같은 NFC 토큰으로 셈 / decomposed (NFD) Hangul counts as the same NFC token",
                 vocab_configs(VOCAB_NFC, "corpus"), vocab_check, driver="call", weight=1.0)
    vocab.driven("encode", "아는 토큰은 id, 모르는 토큰은 <unk> / ids for known tokens, <unk> for unknown ones", encode_configs(ENCODE_KNOWN),
                 encode_check, driver="call", fn="encode", weight=1.0)
    vocab.driven("encode_edge_cases", "빈 텍스트는 [], NFD 텍스트도 NFC처럼 인코딩 / empty or blank text gives []; NFD text encodes like NFC",
                 encode_configs(ENCODE_EDGE), encode_check, driver="call", fn="encode", weight=0.5)

    embedding = question("embedding", fn="embedding_forward", forbid=["embedding"])
    embedding.values("forward", "어떤 모양의 ids든 weight의 해당 행 / rows of the weight for ids of any shape", embedding_configs(), ref_embedding,
                     weight=1.0)
    embedding.values("backward", "서로 다른 ids의 dW / dW for distinct ids", embedding_backward_configs(distinct=True),
                     ref_embedding_backward, fn="embedding_backward", weight=0.5)
    embedding.invariants("invariants",
                         "순전파: (*ids.shape, D), weight의 dtype, ids와 weight를 바꾸지 않음 / forward: (*ids.shape, D) of weight's dtype; ids and weight not modified",
                         embedding_configs()[::2], ref_embedding, weight=0.25)
    embedding.invariants("backward_invariants", "역전파: dW (num_embeddings, D), dout과 ids를 바꾸지 않음 / backward: dW (num_embeddings, D); dout and ids not modified",
                         embedding_backward_configs(distinct=False)[::2], ref_embedding_backward,
                         fn="embedding_backward", weight=0.25)
    embedding.values("backward_duplicates", "반복된 id의 기울기는 누적 / repeated ids accumulate their gradients",
                     embedding_backward_configs(distinct=False), ref_embedding_backward,
                     fn="embedding_backward", weight=1.0)
    embedding.values("float32", "float32 weight와 기울기는 float32로 유지 / float32 weight and gradients stay float32 (rtol 1e-4)",
                     embedding_backward_configs(distinct=False, dtype=F32)[::3], ref_embedding_backward,
                     tol=1e-4, fn="embedding_backward", weight=0.5)

    rnn = question("rnn", fn="rnn_step", forbid=["rnn_tanh", "rnn_relu", "lstm", "gru"],
                   modules=["torch.nn.modules.rnn"])
    rnn.values("step", "RNN 한 단계 / one step: tanh(x_t Wx + h Wh + b)", rnn_step_configs(), ref_rnn_step, weight=1.0)
    rnn.invariants("step_invariants", "rnn_step: 모양 (N, H)의 h, 입력을 바꾸지 않음 / rnn_step: h of shape (N, H); inputs not modified",
                   rnn_step_configs()[::2], ref_rnn_step, weight=0.25)
    rnn.values("forward", "모든 은닉 상태 (T, N, H)가 같은 가중치의 nn.RNN과 같음 / all hidden states (T, N, H) equal nn.RNN with the same weights", rnn_configs(),
               ref_nn_rnn, fn="rnn_forward", weight=1.75)
    rnn.values("single_step", "길이 T = 1인 시퀀스 / a sequence of length T = 1", rnn_configs(lengths=(1,)), ref_nn_rnn,
               fn="rnn_forward", weight=0.5)
    rnn.grad("autograd", "기울기가 모든 단계를 거쳐 x, h0, Wx, Wh, b까지 흐름 / gradients flow through every step to x, h0, Wx, Wh and b",
             rnn_configs(lengths=(5,))[::2], ref_rnn_loop, grad_args=(0, 1, 2, 3, 4), fn="rnn_forward",
             weight=1.5)
    rnn.invariants("invariants", "float32 유지, 모양이 정확히 (T, N, H), 입력을 건드리지 않음 / float32 stays float32, shape exactly (T, N, H), inputs untouched",
                   rnn_configs(lengths=(3,), dtype=F32)[::2], ref_rnn_loop, fn="rnn_forward", weight=0.5)

    attention = question("attention", fn="scaled_dot_product_attention",
                         forbid=["scaled_dot_product_attention", "multi_head_attention_forward"])
    attention.values("output", "(B, T, d)에서 softmax(q kᵀ / √d) v, T_q ≠ T_k / softmax(q kᵀ / √d) v for (B, T, d), T_q ≠ T_k", attention_configs(),
                     ref_attention, part=0, weight=1.25)
    attention.invariants("invariants", "출력 모양·dtype 정확, q·k·v를 바꾸지 않음 / output shape and dtype exact; q, k and v not modified",
                         attention_configs()[::3] + mask_configs()[::3] + attention_configs(dtype=F32)[::3],
                         ref_attention, part=0, weight=0.25)
    attention.values("weights", "어텐션 가중치: 각 행이 키에 대한 분포 / attention weights: each row a distribution over the keys",
                     attention_configs()[::2] + attention_configs((2, 3))[::3], ref_attention_weights, part=1,
                     weight=1.0)
    attention.values("heads", "(B, H, T, d) 입력 / (B, H, T, d) inputs", attention_configs((2, 3)), ref_attention, part=0,
                     weight=1.0)
    attention.values("boolean_mask", "불리언 마스크: True = 참조 가능 (헤드에 브로드캐스트) / boolean mask: True = may attend (broadcast over heads)", mask_configs(),
                     ref_attention, part=0, weight=1.0)
    attention.values("causal_mask", "인과(하삼각) 마스크 / causal (lower-triangular) mask", causal_configs(), ref_attention, part=0,
                     weight=0.5)
    attention.values("large_scores", "점수가 수천이어도 유한하고 정확한 가중치 / scores in the thousands give finite, exact weights",
                     large_score_configs(), ref_attention_weights, part=1, tol=1e-6, weight=0.5)
    attention.values("cuda", "CUDA 텐서에서도 같은 결과 (0점, GPU 없으면 건너뜀) / same results on CUDA tensors (0 points; skipped without a GPU)",
                     attention_configs()[:3], ref_attention, part=0, device="cuda", weight=0.0)

    positions = question("positions", fn="sinusoidal_positions")
    positions.values("closed_form", "짝수 열은 sin, 홀수 열은 cos / sin at even, cos at odd columns (rtol 1e-4)",
                     [((t, d), {}, f"T={t}, d={d}") for t, d in [(1, 2), (10, 8), (50, 64), (7, 6), (3, 128)]],
                     ref_positions, tol=1e-4, weight=1.25)
    positions.driven("float32", "템플릿대로 (T, d) float32 텐서 / a (T, d) float32 tensor, as the template states",
                     [((t, d), {}, f"T={t}, d={d}") for t, d in [(10, 8), (3, 128)]], positions_dtype_check,
                     driver="call", weight=0.25)
    positions.raises("odd_dimension", "홀수 d는 ValueError / odd d raises ValueError",
                     [((t, d), {}, f"T={t}, d={d}") for t, d in [(4, 5), (2, 1), (10, 63)]], "ValueError",
                     weight=0.5)

    sentiment = question("sentiment", fn="train_sentiment_classifier")
    sentiment.driven("beats_order_blind", f"검증용 정확도 ≥ {ORDER_BLIND_CEILING} (단어 순서를 사용) / held-out accuracy ≥ {ORDER_BLIND_CEILING} (word order used)",
                     sentiment_configs(SEEDS[:1], key), accuracy_check(sentiment_labels(key), ORDER_BLIND_CEILING),
                     driver="train_predict", timeout=90, weight=1.0)
    sentiment.driven("accuracy", f"시드 3개 모두 검증용 정확도 ≥ {SENTIMENT_THRESHOLD} / held-out accuracy ≥ {SENTIMENT_THRESHOLD} for each of 3 seeds",
                     sentiment_configs(SEEDS, key), accuracy_check(sentiment_labels(key), SENTIMENT_THRESHOLD),
                     driver="train_predict", timeout=180, weight=2.5)

    return [c for q in (vocab, embedding, rnn, attention, positions, sentiment) for c in q.cases]
