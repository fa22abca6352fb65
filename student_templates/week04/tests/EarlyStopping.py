OK_FORMAT = True

test = {   'name': 'EarlyStopping',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> es = EarlyStopping(patience=2)\n'
                                               '>>> assert [es.step(m) for m in [1.0, 0.5, 0.6, 0.7]] == [False, False, False, True]\n'
                                               '>>> assert es.best == 0.5 and es.best_epoch == 1\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
