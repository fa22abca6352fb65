OK_FORMAT = True

test = {   'name': 'linear',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> x = torch.ones(2, 3, dtype=torch.float64)\n'
                                               '>>> W = torch.ones(3, 4, dtype=torch.float64)\n'
                                               '>>> b = torch.zeros(4, dtype=torch.float64)\n'
                                               '>>> out, cache = linear_forward(x, W, b)\n'
                                               '>>> assert out.shape == (2, 4) and torch.allclose(out, torch.full((2, 4), 3.0, dtype=torch.float64))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0},
                                   {   'code': '>>> x = torch.randn(2, 2, 3, dtype=torch.float64)\n'
                                               '>>> W = torch.randn(6, 5, dtype=torch.float64)\n'
                                               '>>> b = torch.randn(5, dtype=torch.float64)\n'
                                               '>>> out, cache = linear_forward(x, W, b)\n'
                                               '>>> dx, dW, db = linear_backward(torch.ones(2, 5, dtype=torch.float64), cache)\n'
                                               '>>> assert dx.shape == x.shape and dW.shape == W.shape and (db.shape == b.shape)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
