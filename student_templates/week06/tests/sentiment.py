OK_FORMAT = True

test = {   'name': 'sentiment',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> texts, labels = make_sentiment_data(400, 0)\n'
                                               '>>> predict = train_sentiment_classifier(texts, labels, seed=0)\n'
                                               '>>> assert predict(texts[:50]).shape == (50,)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
