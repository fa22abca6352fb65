OK_FORMAT = True

test = {   'name': 'train_mlp',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> g = torch.Generator().manual_seed(0)\n'
                                               '>>> X = torch.randn(200, 2, generator=g)\n'
                                               '>>> y = (X[:, 0] > 0).long()\n'
                                               '>>> predict = train_mlp(X, y, seed=0)\n'
                                               '>>> assert (predict(X) == y).float().mean() > 0.9\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
