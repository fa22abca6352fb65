OK_FORMAT = True

test = {   'name': 'rnn',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> x = torch.randn(4, 2, 3)\n'
                                               '>>> h0 = torch.zeros(2, 5)\n'
                                               '>>> Wx, Wh, b = (torch.randn(3, 5), torch.randn(5, 5), torch.zeros(5))\n'
                                               '>>> hs = rnn_forward(x, h0, Wx, Wh, b)\n'
                                               '>>> assert hs.shape == (4, 2, 5)\n'
                                               '>>> assert torch.allclose(hs[0], rnn_step(x[0], h0, Wx, Wh, b))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
