OK_FORMAT = True

test = {   'name': 'vocab',
    'points': None,
    'suites': [   {   'cases': [   {   'code': ">>> vocab = build_vocab(['나는 밥을 먹었다', '나는 빵을 먹었다'])\n"
                                               ">>> assert vocab['<pad>'] == 0 and vocab['<unk>'] == 1\n"
                                               ">>> assert vocab['나는'] == 2 and vocab['먹었다'] == 3\n"
                                               ">>> assert encode('나는 국수를 먹었다', vocab) == [2, 1, 3]\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
