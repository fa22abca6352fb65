OK_FORMAT = True

test = {   'name': 'bernoulli_nll',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> v = bernoulli_nll(torch.tensor([0.5, 0.5]), torch.tensor([1.0, 0.0]))\n>>> assert abs(v.item() - 2 * math.log(2)) < 1e-06\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
