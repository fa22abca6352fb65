OK_FORMAT = True

test = {   'name': 'Adam',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> w = torch.tensor([1.0, -1.0], requires_grad=True)\n'
                                               '>>> opt = Adam([w], lr=0.1)\n'
                                               '>>> w.grad = torch.tensor([3.0, -0.5])\n'
                                               '>>> opt.step()\n'
                                               '>>> assert torch.allclose(w.detach(), torch.tensor([0.9, -0.9]), atol=0.0001)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
