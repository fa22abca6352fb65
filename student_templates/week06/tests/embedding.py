OK_FORMAT = True

test = {   'name': 'embedding',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> W = torch.arange(12.0).view(4, 3)\n'
                                               '>>> ids = torch.tensor([[0, 2], [2, 3]])\n'
                                               '>>> assert embedding_forward(ids, W).shape == (2, 2, 3)\n'
                                               '>>> dW = embedding_backward(torch.ones(2, 2, 3), ids, 4)\n'
                                               '>>> assert dW.shape == (4, 3) and dW[2, 0].item() == 2.0 and (dW[1].abs().sum().item() == 0.0)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
