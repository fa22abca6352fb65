OK_FORMAT = True

test = {   'name': 'attention',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> q, k, v = (torch.randn(2, 3, 4), torch.randn(2, 5, 4), torch.randn(2, 5, 6))\n'
                                               '>>> out, attn = scaled_dot_product_attention(q, k, v)\n'
                                               '>>> assert out.shape == (2, 3, 6) and attn.shape == (2, 3, 5)\n'
                                               '>>> assert torch.allclose(attn.sum(dim=-1), torch.ones(2, 3))\n'
                                               '>>> causal = torch.tril(torch.ones(3, 3, dtype=torch.bool))\n'
                                               '>>> _, attn = scaled_dot_product_attention(q, q, q, mask=causal)\n'
                                               '>>> assert attn[0, 0, 1:].abs().sum().item() == 0.0\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
