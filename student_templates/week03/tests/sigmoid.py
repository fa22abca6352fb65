OK_FORMAT = True

test = {   'name': 'sigmoid',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> out, cache = sigmoid_forward(torch.tensor([0.0]))\n>>> assert torch.allclose(out, torch.tensor([0.5]))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0},
                                   {   'code': '>>> out, cache = sigmoid_forward(torch.tensor([-1000.0, 1000.0]))\n>>> assert torch.isfinite(out).all()\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
