OK_FORMAT = True

test = {   'name': 'log_softmax',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> lp = log_softmax(torch.tensor([[0.0, 0.0]]))\n>>> assert torch.allclose(lp, torch.log(torch.tensor([[0.5, 0.5]])))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
