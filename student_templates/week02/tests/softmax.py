OK_FORMAT = True

test = {   'name': 'softmax',
    'points': None,
    'suites': [   {   'cases': [   {'code': '>>> p = softmax(torch.tensor([0.0, 0.0]))\n>>> assert torch.allclose(p, torch.tensor([0.5, 0.5]))\n', 'hidden': False, 'locked': False, 'points': 0},
                                   {'code': '>>> x = torch.randn(3, 4)\n>>> assert torch.allclose(softmax(x, dim=1).sum(dim=1), torch.ones(3))\n', 'hidden': False, 'locked': False, 'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
