OK_FORMAT = True

test = {   'name': 'mse_loss',
    'points': None,
    'suites': [   {   'cases': [{'code': '>>> assert mse_loss(torch.tensor([1.0, 3.0]), torch.tensor([1.0, 1.0])).item() == 2.0\n', 'hidden': False, 'locked': False, 'points': 0}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
