"""Realistic buggy variants of the week 6 reference: (case it must fail, function, [(old, new)])."""

MUTANTS = {
    "vocab_ties_in_first_seen_order": ("vocab/order", "build_vocab", [
        ("sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))", "counts.most_common()")]),
    "vocab_min_freq_strict": ("vocab/min_freq_and_specials", "build_vocab", [
        ("if count >= min_freq and tok not in vocab:", "if count > min_freq and tok not in vocab:")]),
    "vocab_specials_after_tokens": ("vocab/order", "build_vocab", [
        ("    vocab = {s: i for i, s in enumerate(specials)}\n", "    vocab = {}\n"),
        ("    return vocab\n    # END SOLUTION\n\n\ndef encode",
         "    for s in specials:\n        vocab[s] = len(vocab)\n    return vocab\n    # END SOLUTION\n\n\ndef encode")]),
    "vocab_without_nfc": ("vocab/korean_nfc", "build_vocab", [
        ("counts = Counter(tok for text in texts for tok in unicodedata.normalize(\"NFC\", text).split())",
         "counts = Counter(tok for text in texts for tok in text.split())")]),
    "encode_unknown_as_pad": ("vocab/encode", "build_vocab", [
        ('    unk = vocab["<unk>"]\n', "    unk = 0\n")]),
    "encode_split_on_single_space": ("vocab/encode_edge_cases", "build_vocab", [
        ('return [vocab.get(tok, unk) for tok in unicodedata.normalize("NFC", text).split()]',
         'return [vocab.get(tok, unk) for tok in unicodedata.normalize("NFC", text).split(" ")]')]),
    "embedding_backward_assigns": ("embedding/backward_duplicates", "embedding_forward", [
        ("dW.index_add_(0, ids.reshape(-1), dout.reshape(-1, D))", "dW[ids.reshape(-1)] = dout.reshape(-1, D)")]),
    "embedding_backward_float32_buffer": ("embedding/backward", "embedding_forward", [
        ("dW = torch.zeros(num_embeddings, D, dtype=dout.dtype, device=dout.device)",
         "dW = torch.zeros(num_embeddings, D, device=dout.device)")]),
    "embedding_library": ("embedding/forward", "embedding_forward", [
        ("    return weight[ids]\n", "    return F.embedding(ids, weight)\n")]),
    "rnn_detaches_hidden_state": ("rnn/autograd", "rnn_step", [
        ("        h = rnn_step(x[t], h, Wx, Wh, b)\n", "        h = rnn_step(x[t], h, Wx, Wh, b).detach()\n")]),
    "rnn_bias_outside_tanh": ("rnn/step", "rnn_step", [
        ("return torch.tanh(x_t @ Wx + h @ Wh + b)", "return torch.tanh(x_t @ Wx + h @ Wh) + b")]),
    "rnn_returns_h0_too": ("rnn/forward", "rnn_step", [
        ("    h, hs = h0, []\n", "    h, hs = h0, [h0]\n")]),
    "rnn_always_from_h0": ("rnn/forward", "rnn_step", [
        ("        h = rnn_step(x[t], h, Wx, Wh, b)\n", "        h = rnn_step(x[t], h0, Wx, Wh, b)\n")]),
    # scales the caller's q in place: the output is right, the caller's tensor is not
    "attention_scales_q_in_place": ("attention/invariants", "scaled_dot_product_attention", [
        ("    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])",
         "    q /= math.sqrt(q.shape[-1])\n    scores = q @ k.transpose(-2, -1)")]),
    "positions_float64": ("positions/float32", "sinusoidal_positions", [("    return pe.float()", "    return pe")]),
    "attention_scaled_by_d": ("attention/output", "scaled_dot_product_attention", [
        ("/ math.sqrt(q.shape[-1])", "/ q.shape[-1]")]),
    "attention_softmax_wrong_axis": ("attention/weights", "scaled_dot_product_attention", [
        ("attn = torch.softmax(scores, dim=-1)", "attn = torch.softmax(scores, dim=-2)")]),
    "attention_mask_inverted": ("attention/boolean_mask", "scaled_dot_product_attention", [
        ('scores = scores.masked_fill(~mask, float("-inf"))', 'scores = scores.masked_fill(mask, -1e9)')]),
    "attention_unstable_softmax": ("attention/large_scores", "scaled_dot_product_attention", [
        ("attn = torch.softmax(scores, dim=-1)", "e = torch.exp(scores)\n    attn = e / e.sum(dim=-1, keepdim=True)")]),
    "attention_transposes_heads": ("attention/heads", "scaled_dot_product_attention", [
        ("q @ k.transpose(-2, -1)", "q @ k.transpose(1, 2)")]),
    "positions_exponent_uses_i": ("positions/closed_form", "sinusoidal_positions", [
        ("torch.arange(0, d, 2, dtype=torch.float64) / d", "torch.arange(0, d // 2, dtype=torch.float64) / d")]),
    "positions_odd_d_allowed": ("positions/odd_dimension", "sinusoidal_positions", [
        ("    if d % 2:\n        raise ValueError(f\"d must be even, got {d}\")\n", "")]),
    "sentiment_bag_of_words": ("sentiment/accuracy", "train_sentiment_classifier", [
        ("            _, h = self.rnn(self.embed(ids))\n            return self.out(h[-1])",
         "            pooled = self.embed(ids).sum(dim=1)\n            return self.out(torch.tanh(self.pool(pooled)))"),
        ("            self.out = nn.Linear(64, 2)", "            self.pool = nn.Linear(32, 64)\n            self.out = nn.Linear(64, 2)")]),
}

# Correct solutions written another way (as students do): each must get full marks.
ALTERNATIVES = {
    "loops_and_manual_softmax": {
        "embedding_forward": '''
def embedding_forward(ids, weight):
    return torch.index_select(weight, 0, ids.reshape(-1)).reshape(*ids.shape, weight.shape[1])


def embedding_backward(dout, ids, num_embeddings):
    dW = dout.new_zeros((num_embeddings, dout.shape[-1]))
    flat_ids, flat = ids.reshape(-1).tolist(), dout.reshape(-1, dout.shape[-1])
    for row, i in enumerate(flat_ids):
        dW[i] += flat[row]
    return dW
''',
        "scaled_dot_product_attention": '''
def scaled_dot_product_attention(q, k, v, mask=None):
    d = q.size(-1)
    scores = torch.matmul(q, k.transpose(-1, -2)) / d ** 0.5
    if mask is not None:
        scores = torch.where(mask, scores, torch.full_like(scores, -float("inf")))
    scores = scores - scores.max(dim=-1, keepdim=True).values
    e = scores.exp()
    attn = e / e.sum(dim=-1, keepdim=True)
    return torch.matmul(attn, v), attn
''',
        "sinusoidal_positions": '''
def sinusoidal_positions(T, d):
    if d % 2 == 1:
        raise ValueError("d must be even")
    pe = torch.zeros(T, d)
    position = torch.arange(0, T, dtype=torch.float).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d, 2).float() * (-math.log(10000.0) / d))
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe
''',
    },
}

# the catalogue's hint each mutant must get (../shared/specs/hints.md); the others' classes are not in it
HINTS = {
    "vocab_ties_in_first_seen_order": "vocab.tie-order",
    "vocab_min_freq_strict": "vocab.min-freq",
    "vocab_specials_after_tokens": "vocab.specials-order",
    "vocab_without_nfc": "vocab.unicode-normalisation",
    "encode_unknown_as_pad": "vocab.unk-index",
    "embedding_backward_assigns": "embedding.backward-overwrite",
    "embedding_backward_float32_buffer": "embedding.dtype-changed",
    "embedding_library": "embedding.forbidden-call",
    "rnn_detaches_hidden_state": "rnn.detached-state",
    "rnn_returns_h0_too": "rnn.off-by-one",
    "attention_scales_q_in_place": "attention.mutates-input",
    "positions_float64": "positions.dtype-changed",
    "attention_scaled_by_d": "attention.scale",
    "attention_softmax_wrong_axis": "attention.softmax-dim",
    "attention_mask_inverted": "attention.mask-reversed",
    "attention_unstable_softmax": "attention.no-max-shift",
    "positions_exponent_uses_i": "positions.frequency",
    "positions_odd_d_allowed": "positions.odd-dim",
}
