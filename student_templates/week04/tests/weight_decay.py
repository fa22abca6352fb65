OK_FORMAT = True

test = {   'name': 'weight_decay',
    'points': None,
    'suites': [   {   'cases': [   {'code': '>>> assert float(l2_penalty([torch.ones(2, 2), torch.ones(3)], 0.5)) == 3.5\n', 'hidden': False, 'locked': False, 'points': 0},
                                   {   'code': '>>> p = torch.tensor([1.0])\n>>> assert torch.allclose(sgd_step(p, torch.tensor([0.0]), 0.1, 0.5, False), torch.tensor([0.95]))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
