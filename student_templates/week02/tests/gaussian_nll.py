OK_FORMAT = True

test = {   'name': 'gaussian_nll',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> v = gaussian_nll(torch.zeros(1), torch.zeros(1), 1.0)\n>>> assert abs(v.item() - 0.5 * math.log(2 * math.pi)) < 1e-06\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
