OK_FORMAT = True

test = {   'name': 'batchnorm',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> x = torch.randn(8, 3, dtype=torch.float64)\n'
                                               ">>> state = {'running_mean': torch.zeros(3, dtype=torch.float64), 'running_var': torch.ones(3, dtype=torch.float64)}\n"
                                               '>>> out, cache = batchnorm_forward(x, torch.ones(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64), state)\n'
                                               '>>> assert torch.allclose(out.mean(dim=0), torch.zeros(3, dtype=torch.float64), atol=1e-08)\n'
                                               ">>> assert state['running_mean'].shape == (3,)\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0},
                                   {   'code': '>>> x = torch.randn(8, 3, dtype=torch.float64)\n'
                                               ">>> state = {'running_mean': torch.zeros(3, dtype=torch.float64), 'running_var': torch.ones(3, dtype=torch.float64)}\n"
                                               '>>> out, cache = batchnorm_forward(x, torch.ones(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64), state)\n'
                                               '>>> dx, dgamma, dbeta = batchnorm_backward(torch.ones(8, 3, dtype=torch.float64), cache)\n'
                                               '>>> assert torch.allclose(dx, torch.zeros(8, 3, dtype=torch.float64), atol=1e-08) and torch.allclose(dbeta, torch.full((3,), 8.0, '
                                               'dtype=torch.float64))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
