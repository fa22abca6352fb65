OK_FORMAT = True

test = {   'name': 'cross_entropy',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> loss = cross_entropy(torch.zeros(2, 4), torch.tensor([0, 3]))\n>>> assert abs(loss.item() - math.log(4)) < 1e-06\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
