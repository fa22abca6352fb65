"""Week 6's proof: realistic buggy variants of the week 6 reference: (case it must fail, function, [(old, new)]).

Read by autograder.casekit.proof: MUTANTS (name → the case it must fail, {definition: new
source}), ALTERNATIVES (correct solutions in students' styles: full marks, no hint) and HINTS (the
catalogue hint each mutant must get)."""


MUTANTS = {
    'vocab_ties_in_first_seen_order': ('vocab/order', {'build_vocab': '''
def build_vocab(texts, min_freq=1, specials=("<pad>", "<unk>")):
    counts = Counter(tok for text in texts for tok in unicodedata.normalize("NFC", text).split())
    vocab = {s: i for i, s in enumerate(specials)}
    for tok, count in counts.most_common():
        if count >= min_freq and tok not in vocab:
            vocab[tok] = len(vocab)
    return vocab
'''}),
    'vocab_min_freq_strict': ('vocab/min_freq_and_specials', {'build_vocab': '''
def build_vocab(texts, min_freq=1, specials=("<pad>", "<unk>")):
    counts = Counter(tok for text in texts for tok in unicodedata.normalize("NFC", text).split())
    vocab = {s: i for i, s in enumerate(specials)}
    for tok, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if count > min_freq and tok not in vocab:
            vocab[tok] = len(vocab)
    return vocab
'''}),
    'vocab_specials_after_tokens': ('vocab/order', {'build_vocab': '''
def build_vocab(texts, min_freq=1, specials=("<pad>", "<unk>")):
    counts = Counter(tok for text in texts for tok in unicodedata.normalize("NFC", text).split())
    vocab = {}
    for tok, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if count >= min_freq and tok not in vocab:
            vocab[tok] = len(vocab)
    for s in specials:
        vocab[s] = len(vocab)
    return vocab
'''}),
    'vocab_without_nfc': ('vocab/korean_nfc', {'build_vocab': '''
def build_vocab(texts, min_freq=1, specials=("<pad>", "<unk>")):
    counts = Counter(tok for text in texts for tok in text.split())
    vocab = {s: i for i, s in enumerate(specials)}
    for tok, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if count >= min_freq and tok not in vocab:
            vocab[tok] = len(vocab)
    return vocab
'''}),
    'encode_unknown_as_pad': ('vocab/encode', {'encode': '''
def encode(text, vocab):
    unk = 0
    return [vocab.get(tok, unk) for tok in unicodedata.normalize("NFC", text).split()]
'''}),
    'encode_split_on_single_space': ('vocab/encode_edge_cases', {'encode': '''
def encode(text, vocab):
    unk = vocab["<unk>"]
    return [vocab.get(tok, unk) for tok in unicodedata.normalize("NFC", text).split(" ")]
'''}),
    'embedding_backward_assigns': ('embedding/backward_duplicates', {'embedding_backward': '''
def embedding_backward(dout, ids, num_embeddings):
    D = dout.shape[-1]
    dW = torch.zeros(num_embeddings, D, dtype=dout.dtype, device=dout.device)
    dW[ids.reshape(-1)] = dout.reshape(-1, D)
    return dW
'''}),
    'embedding_backward_float32_buffer': ('embedding/backward', {'embedding_backward': '''
def embedding_backward(dout, ids, num_embeddings):
    D = dout.shape[-1]
    dW = torch.zeros(num_embeddings, D, device=dout.device)
    dW.index_add_(0, ids.reshape(-1), dout.reshape(-1, D))
    return dW
'''}),
    'embedding_library': ('embedding/forward', {'embedding_forward': '''
def embedding_forward(ids, weight):
    return F.embedding(ids, weight)
'''}),
    'rnn_detaches_hidden_state': ('rnn/autograd', {'rnn_forward': '''
def rnn_forward(x, h0, Wx, Wh, b):
    h, hs = h0, []
    for t in range(x.shape[0]):
        h = rnn_step(x[t], h, Wx, Wh, b).detach()
        hs.append(h)
    return torch.stack(hs)
'''}),
    'rnn_bias_outside_tanh': ('rnn/step', {'rnn_step': '''
def rnn_step(x_t, h, Wx, Wh, b):
    return torch.tanh(x_t @ Wx + h @ Wh) + b
'''}),
    'rnn_returns_h0_too': ('rnn/forward', {'rnn_forward': '''
def rnn_forward(x, h0, Wx, Wh, b):
    h, hs = h0, [h0]
    for t in range(x.shape[0]):
        h = rnn_step(x[t], h, Wx, Wh, b)
        hs.append(h)
    return torch.stack(hs)
'''}),
    'rnn_always_from_h0': ('rnn/forward', {'rnn_forward': '''
def rnn_forward(x, h0, Wx, Wh, b):
    h, hs = h0, []
    for t in range(x.shape[0]):
        h = rnn_step(x[t], h0, Wx, Wh, b)
        hs.append(h)
    return torch.stack(hs)
'''}),
    'attention_scales_q_in_place': ('attention/invariants', {'scaled_dot_product_attention': '''
def scaled_dot_product_attention(q, k, v, mask=None):
    q /= math.sqrt(q.shape[-1])
    scores = q @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    attn = torch.softmax(scores, dim=-1)
    return attn @ v, attn
'''}),
    'positions_float64': ('positions/float32', {'sinusoidal_positions': '''
def sinusoidal_positions(T, d):
    if d % 2:
        raise ValueError(f"d must be even, got {d}")
    pos = torch.arange(T, dtype=torch.float64).unsqueeze(1)
    angle = pos / torch.pow(10000.0, torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe
'''}),
    'attention_scaled_by_d': ('attention/output', {'scaled_dot_product_attention': '''
def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / q.shape[-1]
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    attn = torch.softmax(scores, dim=-1)
    return attn @ v, attn
'''}),
    'attention_softmax_wrong_axis': ('attention/weights', {'scaled_dot_product_attention': '''
def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    attn = torch.softmax(scores, dim=-2)
    return attn @ v, attn
'''}),
    'attention_mask_inverted': ('attention/boolean_mask', {'scaled_dot_product_attention': '''
def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(mask, -1e9)
    attn = torch.softmax(scores, dim=-1)
    return attn @ v, attn
'''}),
    'attention_unstable_softmax': ('attention/large_scores', {'scaled_dot_product_attention': '''
def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    e = torch.exp(scores)
    attn = e / e.sum(dim=-1, keepdim=True)
    return attn @ v, attn
'''}),
    'attention_transposes_heads': ('attention/heads', {'scaled_dot_product_attention': '''
def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    attn = torch.softmax(scores, dim=-1)
    return attn @ v, attn
'''}),
    'positions_exponent_uses_i': ('positions/closed_form', {'sinusoidal_positions': '''
def sinusoidal_positions(T, d):
    if d % 2:
        raise ValueError(f"d must be even, got {d}")
    pos = torch.arange(T, dtype=torch.float64).unsqueeze(1)
    angle = pos / torch.pow(10000.0, torch.arange(0, d // 2, dtype=torch.float64) / d)
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.float()
'''}),
    'positions_odd_d_allowed': ('positions/odd_dimension', {'sinusoidal_positions': '''
def sinusoidal_positions(T, d):
    pos = torch.arange(T, dtype=torch.float64).unsqueeze(1)
    angle = pos / torch.pow(10000.0, torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.float()
'''}),
    'sentiment_bag_of_words': ('sentiment/accuracy', {'train_sentiment_classifier': '''
def train_sentiment_classifier(texts, labels, seed):
    torch.manual_seed(seed)
    vocab = build_vocab(texts)

    def batch(new_texts):
        seqs = [encode(t, vocab) or [vocab["<unk>"]] for t in new_texts]
        width = max(len(s) for s in seqs)
        return torch.tensor([[0] * (width - len(s)) + s for s in seqs])  # left padding: the last step is real

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(len(vocab), 32, padding_idx=0)
            self.rnn = nn.GRU(32, 64, batch_first=True)
            self.pool = nn.Linear(32, 64)
            self.out = nn.Linear(64, 2)

        def forward(self, ids):
            pooled = self.embed(ids).sum(dim=1)
            return self.out(torch.tanh(self.pool(pooled)))

    X, y = batch(texts), torch.as_tensor(labels).long()
    model = Classifier()
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    g = torch.Generator().manual_seed(seed)
    for _ in range(15):
        model.train()
        order = torch.randperm(len(y), generator=g)
        for k in range(0, len(y), 64):
            idx = order[k:k + 64]
            opt.zero_grad()
            F.cross_entropy(model(X[idx]), y[idx]).backward()
            opt.step()
    model.eval()

    def predict(new_texts):
        with torch.no_grad():
            return model(batch(new_texts)).argmax(dim=1)
    return predict
'''}),
}

# the catalogue's hint each mutant must get (../shared/specs/hints.md); the others' classes are not in it
HINTS = {
    'vocab_ties_in_first_seen_order': 'vocab.tie-order',
    'vocab_min_freq_strict': 'vocab.min-freq',
    'vocab_specials_after_tokens': 'vocab.specials-order',
    'vocab_without_nfc': 'vocab.unicode-normalisation',
    'encode_unknown_as_pad': 'vocab.unk-index',
    'embedding_backward_assigns': 'embedding.backward-overwrite',
    'embedding_backward_float32_buffer': 'embedding.dtype-changed',
    'embedding_library': 'embedding.forbidden-call',
    'rnn_detaches_hidden_state': 'rnn.detached-state',
    'rnn_returns_h0_too': 'rnn.off-by-one',
    'attention_scales_q_in_place': 'attention.mutates-input',
    'positions_float64': 'positions.dtype-changed',
    'attention_scaled_by_d': 'attention.scale',
    'attention_softmax_wrong_axis': 'attention.softmax-dim',
    'attention_mask_inverted': 'attention.mask-reversed',
    'attention_unstable_softmax': 'attention.no-max-shift',
    'positions_exponent_uses_i': 'positions.frequency',
    'positions_odd_d_allowed': 'positions.odd-dim',
}

# correct solutions in the styles students write: full marks and no hint
ALTERNATIVES = {
    'loops_and_manual_softmax': {'embedding_forward': '''
def embedding_forward(ids, weight):
    return torch.index_select(weight, 0, ids.reshape(-1)).reshape(*ids.shape, weight.shape[1])
''', 'embedding_backward': '''
def embedding_backward(dout, ids, num_embeddings):
    dW = dout.new_zeros((num_embeddings, dout.shape[-1]))
    flat_ids, flat = ids.reshape(-1).tolist(), dout.reshape(-1, dout.shape[-1])
    for row, i in enumerate(flat_ids):
        dW[i] += flat[row]
    return dW
''', 'scaled_dot_product_attention': '''
def scaled_dot_product_attention(q, k, v, mask=None):
    d = q.size(-1)
    scores = torch.matmul(q, k.transpose(-1, -2)) / d ** 0.5
    if mask is not None:
        scores = torch.where(mask, scores, torch.full_like(scores, -float("inf")))
    scores = scores - scores.max(dim=-1, keepdim=True).values
    e = scores.exp()
    attn = e / e.sum(dim=-1, keepdim=True)
    return torch.matmul(attn, v), attn
''', 'sinusoidal_positions': '''
def sinusoidal_positions(T, d):
    if d % 2 == 1:
        raise ValueError("d must be even")
    pe = torch.zeros(T, d)
    position = torch.arange(0, T, dtype=torch.float).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d, 2).float() * (-math.log(10000.0) / d))
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe
'''},
}
