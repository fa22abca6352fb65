OK_FORMAT = True

test = {   'name': 'dropout',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> x = torch.ones(1000)\n'
                                               '>>> out, mask = dropout_forward(x, 0.5, True, torch.Generator().manual_seed(0))\n'
                                               '>>> assert 0.4 < float((out == 0).float().mean()) < 0.6 and torch.allclose(out[out != 0], torch.tensor(2.0))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0},
                                   {'code': '>>> x = torch.randn(5)\n>>> out, mask = dropout_forward(x, 0.5, False)\n>>> assert torch.equal(out, x)\n', 'hidden': False, 'locked': False, 'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
