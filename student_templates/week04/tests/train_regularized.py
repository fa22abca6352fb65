OK_FORMAT = True

test = {   'name': 'train_regularized',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> g = torch.Generator().manual_seed(0)\n'
                                               '>>> X = torch.rand(60, 64, generator=g)\n'
                                               '>>> y = torch.arange(60) % 10\n'
                                               '>>> X[torch.arange(60), y] += 3.0\n'
                                               '>>> predict = train_regularized(X, y, X, y, seed=0)\n'
                                               '>>> assert (predict(X) == y).float().mean() > 0.9\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
