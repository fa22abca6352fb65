OK_FORMAT = True

test = {   'name': 'maxpool2d',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> x = torch.arange(16.0).view(1, 1, 4, 4)\n'
                                               '>>> out, cache = maxpool2d_forward(x, 2, 2)\n'
                                               '>>> assert torch.equal(out, torch.tensor([[[[5.0, 7.0], [13.0, 15.0]]]]))\n'
                                               '>>> dx = maxpool2d_backward(torch.ones_like(out), cache)\n'
                                               '>>> assert dx.sum().item() == 4.0 and dx[0, 0, 1, 1].item() == 1.0\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0},
                                   {   'code': '>>> x = torch.randn(2, 3, 7, 7)\n>>> out, cache = maxpool2d_forward(x, 3, 2)\n>>> assert out.shape == (2, 3, 3, 3)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
