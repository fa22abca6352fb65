OK_FORMAT = True

test = {   'name': 'relu',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> out, cache = relu_forward(torch.tensor([-1.0, 0.0, 2.0]))\n>>> assert torch.equal(out, torch.tensor([0.0, 0.0, 2.0]))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0},
                                   {   'code': '>>> out, cache = relu_forward(torch.tensor([-1.0, 0.0, 2.0]))\n'
                                               '>>> assert torch.equal(relu_backward(torch.ones(3), cache), torch.tensor([0.0, 0.0, 1.0]))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
