OK_FORMAT = True

test = {   'name': 'softmax_ce_grad',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> g = softmax_ce_grad(torch.zeros(2, 2), torch.tensor([0, 1]))\n>>> assert torch.allclose(g, torch.tensor([[-0.25, 0.25], [0.25, -0.25]]))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
