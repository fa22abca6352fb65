OK_FORMAT = True

test = {   'name': 'positions',
    'points': None,
    'suites': [   {   'cases': [   {   'code': '>>> pe = sinusoidal_positions(4, 6)\n>>> assert pe.shape == (4, 6)\n>>> assert torch.allclose(pe[0], torch.tensor([0.0, 1.0] * 3))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
