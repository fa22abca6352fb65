OK_FORMAT = True

test = {   'name': 'conv2d',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> x = torch.arange(16.0).view(1, 1, 4, 4)\n'
                                               '>>> w = torch.ones(1, 1, 2, 2)\n'
                                               '>>> out, _ = conv2d_forward(x, w, torch.zeros(1))\n'
                                               '>>> assert out.shape == (1, 1, 3, 3) and out[0, 0, 0, 0].item() == 0 + 1 + 4 + 5\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0},
                                   {   'code': '>>> x = torch.randn(2, 3, 5, 5)\n'
                                               '>>> w = torch.randn(4, 3, 3, 3)\n'
                                               '>>> out, cache = conv2d_forward(x, w, torch.zeros(4), stride=1, padding=1)\n'
                                               '>>> dx, dw, db = conv2d_backward(torch.ones_like(out), cache)\n'
                                               '>>> assert out.shape == (2, 4, 5, 5) and dx.shape == x.shape and (dw.shape == w.shape) and (db.shape == (4,))\n'
                                               '>>> assert torch.allclose(db, torch.full((4,), 50.0))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
