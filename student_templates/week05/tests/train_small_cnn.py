OK_FORMAT = True

test = {   'name': 'train_small_cnn',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> model = SmallCNN()\n'
                                               '>>> assert any((isinstance(m, nn.Conv2d) for m in model.modules()))\n'
                                               '>>> assert model(torch.zeros(3, 1, 8, 8)).shape == (3, 10)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0},
                                   {   'code': '>>> g = torch.Generator().manual_seed(0)\n'
                                               '>>> X = torch.rand(80, 1, 8, 8, generator=g) * 0.1\n'
                                               '>>> y = torch.arange(80) % 4\n'
                                               '>>> for k in range(4):\n'
                                               '...     X[y == k, 0, 2 * k:2 * k + 2, :] += 1.0\n'
                                               '>>> model = train_small_cnn(X, y, seed=0)\n'
                                               '>>> model.eval()\n'
                                               '>>> with torch.no_grad():\n'
                                               '...     assert (model(X).argmax(dim=1) == y).float().mean() > 0.9\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
