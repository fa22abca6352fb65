OK_FORMAT = True

test = {   'name': 'SGD',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> w = torch.tensor([1.0, 2.0], requires_grad=True)\n'
                                               '>>> opt = SGD([w], lr=0.1)\n'
                                               '>>> w.grad = torch.tensor([1.0, -1.0])\n'
                                               '>>> opt.step()\n'
                                               '>>> assert torch.allclose(w.detach(), torch.tensor([0.9, 2.1]))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0},
                                   {   'code': '>>> w = torch.tensor([1.0], requires_grad=True)\n'
                                               '>>> opt = SGD([w], lr=0.1)\n'
                                               '>>> w.grad = torch.tensor([1.0])\n'
                                               '>>> opt.zero_grad()\n'
                                               '>>> assert w.grad is None or float(w.grad.abs().sum()) == 0.0\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
