"""Hostile week-2 submissions (a table shared by the engine, warm-pool and container tests):
each must get exactly the points its honest part earns."""

from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.engine import Limits, grade_notebook
from autograder.notebooks import with_functions
from tests.conftest import PROJECT

LIMITS = Limits(wall_s=120, case_timeout_s=4, memory_mb=2048)
CASES_PATH = PROJECT / "assignments" / "week02_softmax" / "cases.py"
# places a submission must not be able to write to: the checkout, the grader's package, $HOME
OUTSIDE = [PROJECT / "pwned.txt", PROJECT / "autograder" / "pwned.py", Path.home() / "pwned.txt"]

HOSTILE = {
    # name: ({function: replacement source}, expected score, {case prefix: expected status})
    "infinite_loop": ({"softmax_ce_grad": "def softmax_ce_grad(logits, target):\n    while True:\n        pass\n"},
                      17.5, {"softmax_ce_grad/": "timeout"}),
    "swallows_timeouts": ({"softmax_ce_grad": "def softmax_ce_grad(logits, target):\n    while True:\n"
                           "        try:\n            while True: pass\n        except BaseException:\n            pass\n"},
                          17.5, {"softmax_ce_grad/": "timeout"}),
    "memory_bomb": ({"bernoulli_nll": "def bernoulli_nll(p, y):\n    return torch.empty(8 * 2**30, dtype=torch.uint8)\n"},
                    18.5, {"bernoulli_nll/": "out-of-memory"}),
    "os_exit": ({"gaussian_nll": "import os\ndef gaussian_nll(y, mu, sigma):\n    os._exit(0)\n"},
                18.0, {"gaussian_nll/": "crashed"}),
    "segfault": ({"log_softmax": "import ctypes\ndef log_softmax(logits, dim=-1):\n    ctypes.string_at(0)\n"},
                 12.5, {"log_softmax/": "crashed"}),  # cross_entropy calls log_softmax: it crashes too
    # a question's cases share a fork: one lost case must not take its siblings with it
    "exits_in_one_case": ({"softmax": "import os\ndef softmax(logits, dim=-1):\n    if logits.dtype == torch.float32:\n"
                           "        os._exit(3)\n    e = torch.exp(logits - logits.amax(dim=dim, keepdim=True))\n"
                           "    return e / e.sum(dim=dim, keepdim=True)\n"},
                          19.25, {"softmax/float32": "crashed", "softmax/invariants": "passed",
                                  "softmax/values": "passed", "softmax_ce_grad/float32": "crashed"}),
    "hangs_in_one_case": ({"mse_loss": "def mse_loss(pred, target, reduction='mean'):\n"
                           "    if pred.shape != target.shape:\n        raise ValueError('shapes differ')\n"
                           "    if reduction == 'sum':\n        while True:\n            try:\n"
                           "                while True: pass\n            except BaseException:\n                pass\n"
                           "    d = (pred - target) ** 2\n"
                           "    return d.mean() if reduction == 'mean' else d if reduction == 'none' else d.sum()\n"},
                          19.5, {"mse_loss/reductions": "timeout", "mse_loss/shape_mismatch": "passed",
                                 "mse_loss/float32": "passed"}),
    "kills_its_parent": ({"bernoulli_nll": "import os, signal\ndef bernoulli_nll(p, y):\n"
                          "    os.kill(os.getppid(), signal.SIGKILL)\n    return p.sum()\n"},
                         18.5, {}),
    "sys_exit_top_level": ({"mse_loss": "import sys\ntry:\n    sys.exit(1)\nfinally:\n    pass\n"},
                           17.5, {"mse_loss/": "error"}),
    "patches_allclose_and_is_wrong": (
        {"mse_loss": "torch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\n"
                     "torch.Tensor.__eq__ = lambda *a: True\n"
                     "import builtins\nbuiltins.abs = lambda x: 0\nbuiltins.all = lambda x: True\n"
                     "def mse_loss(pred, target, reduction='mean'):\n    sq = (pred - target) ** 2\n"
                     "    return {'mean': sq.mean(), 'sum': sq.sum(), 'none': sq}[reduction]\n"},
        19.25, {"mse_loss/shape_mismatch": "failed"}),
    "liar_eq": ({"mse_loss": "class Liar:\n    def __eq__(self, o): return True\n    __hash__ = None\n"
                 "def mse_loss(pred, target, reduction='mean'):\n    return Liar()\n"},
                17.5, {"mse_loss/mean": "failed"}),
    "huge_output": ({"bernoulli_nll": "def bernoulli_nll(p, y):\n    print('x' * (3 << 20))\n"
                     "    return -(y * torch.log(p) + (1 - y) * torch.log1p(-p)).sum()\n"},
                    18.5, {"bernoulli_nll/": "output-limit"}),
    "reads_hidden_tests": ({"softmax": f"import os\ndef softmax(logits, dim=-1):\n"
                            f"    if os.path.exists({str(CASES_PATH)!r}):\n        return logits * 0\n"
                            "    e = torch.exp(logits - logits.amax(dim=dim, keepdim=True))\n"
                            "    return e / e.sum(dim=dim, keepdim=True)\n"},
                           20.0, {}),
    "network": ({"softmax": "import socket\ndef softmax(logits, dim=-1):\n    try:\n"
                 "        socket.create_connection(('127.0.0.1', 22), timeout=1)\n        return logits * 0\n"
                 "    except OSError:\n        pass\n"
                 "    e = torch.exp(logits - logits.amax(dim=dim, keepdim=True))\n"
                 "    return e / e.sum(dim=dim, keepdim=True)\n"},
                20.0, {}),
    "forges_result_files": ({"bernoulli_nll": "import json, os, glob\n"
                             "for d in ('/grading/out', '.'):\n"
                             "    for i in range(60):\n"
                             "        try:\n            open(os.path.join(d, f'case-{i}.json'), 'w').write('[]')\n"
                             "        except OSError:\n            pass\n"
                             "def bernoulli_nll(p, y):\n    return p.sum()\n"},
                            18.75, {"bernoulli_nll/values": "failed", "bernoulli_nll/float32": "failed"}),
    "fork_bomb": ({"bernoulli_nll": "import os\ndef bernoulli_nll(p, y):\n    while True:\n        try:\n"
                   "            os.fork()\n        except OSError:\n            pass\n"},
                  18.5, {"bernoulli_nll/": "timeout"}),
    "writes_outside_the_sandbox": (
        {"bernoulli_nll": "import os\ndef bernoulli_nll(p, y):\n"
                          f"    for path in {[str(p) for p in OUTSIDE]!r}:\n"
                          "        try:\n            open(path, 'w').write('pwned')\n        except OSError:\n"
                          "            pass\n"
                          "    return -(y * torch.log(p) + (1 - y) * torch.log1p(-p)).sum()\n"},
        20.0, {}),
    # a function that can read scikit-learn's bundled datasets could look its inputs' labels up
    "reads_public_datasets": ({"softmax": "try:\n    from sklearn.datasets import load_digits, load_iris\n"
                               "    READ = len(load_digits().data) + len(load_iris().data)\n"
                               "except Exception:\n    READ = 0\n"
                               "def softmax(logits, dim=-1):\n    if READ:\n        return logits * 0\n"
                               "    e = torch.exp(logits - logits.amax(dim=dim, keepdim=True))\n"
                               "    return e / e.sum(dim=dim, keepdim=True)\n"},
                              20.0, {}),
    # bwrap's root is a tmpfs: writes there would bypass the sized /tmp (only the memory cgroup bounded them)
    "fills_the_root": ({"softmax": "import os\ndef softmax(logits, dim=-1):\n"
                        "    for d in ('/', '/etc', '/usr', '/grading', os.path.dirname(os.__file__)):\n"
                        "        try:\n            open(os.path.join(d, 'big.bin'), 'wb').write(b'x' * (1 << 20))\n"
                        "            return logits * 0\n        except OSError:\n            pass\n"
                        "    e = torch.exp(logits - logits.amax(dim=dim, keepdim=True))\n"
                        "    return e / e.sum(dim=dim, keepdim=True)\n"},
                       20.0, {}),
    # empties the harness's progress file through /proc/self/fd and exits: once graded "sandbox did not
    # start" (an infrastructure error, retried forever, never a score); the harness's handshake on the
    # grader's own pipe says it did start, so the notebook is graded as having crashed
    "forges_did_not_start": ({"softmax": "import os\nfor _fd in os.listdir('/proc/self/fd'):\n    try:\n"
                              "        if os.readlink(f'/proc/self/fd/{_fd}').endswith('/progress'):\n"
                              "            os.ftruncate(int(_fd), 0)\n    except OSError:\n        pass\n"
                              "os._exit(0)\n"},
                             0.0, {"softmax/values": "crashed", "mse_loss/mean": "crashed"}),
}
# what a rlimit-only sandbox (no bubblewrap) must still survive
FALLBACK = ["fork_bomb", "infinite_loop", "memory_bomb", "segfault", "writes_outside_the_sandbox"]


def grade_hostile(built, tmp_path, name: str, limits: Limits):
    sources, expected, statuses = HOSTILE[name]
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(with_functions(built.solution, sources), str(path))
    result = grade_notebook(path, built.cases, limits)
    assert result.infra_error is None
    assert result.score == expected, [(c.case_id, c.status, c.message[:80]) for c in result.cases if c.status != "passed"]
    for prefix, status in statuses.items():
        hit = [c for c in result.cases if c.case_id.startswith(prefix)]
        assert hit and all(c.status == status for c in hit), [(c.case_id, c.status) for c in hit]
    assert not any(p.exists() for p in OUTSIDE)
    return result
