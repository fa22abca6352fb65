OK_FORMAT = True

test = {   'name': 'Value',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> a, b = (Value(2.0), Value(-3.0))\n>>> c = a * b + a\n>>> c.backward()\n>>> assert c.data == -4.0 and a.grad == -2.0 and (b.grad == 2.0)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0},
                                   {   'code': '>>> a = Value(3.0)\n>>> d = 1 / a + 2 * a - 1\n>>> d.backward()\n>>> assert abs(a.grad - (2 - 1 / 9)) < 1e-12\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
