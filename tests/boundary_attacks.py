"""Attacks on the boundary between the sandbox and the trusted grader (week 2), each with the
points its honest part earns. Week 2's points: softmax 4, log_softmax 3.5 (cross_entropy calls
it), cross_entropy 5, mse_loss 2.5, gaussian_nll 2, bernoulli_nll 1.5, softmax_ce_grad 2.5.

Every attacker below is a correct solution except for the attack, so "its honest part" is the
full 20 minus what the attack forfeits: a forbidden call loses that function's cases; tampering
with the grader's own records loses what those records describe.
"""

from __future__ import annotations

SHIFTED = ("    e = torch.exp(logits - logits.amax(dim=dim, keepdim=True))\n"
           "    return e / e.sum(dim=dim, keepdim=True)\n")
OUT_DIR = "import os\n_out = os.path.dirname(os.readlink('/proc/self/fd/1'))\n"
HONEST_MSE = ("def mse_loss(pred, target, reduction='mean'):\n"
              "    if pred.shape != target.shape:\n        raise ValueError('shape')\n"
              "    d = (pred - target) ** 2\n"
              "    return d.mean() if reduction == 'mean' else d.sum() if reduction == 'sum' else d\n")


def _softmax_with(body: str, prelude: str = "") -> dict[str, str]:
    return {"softmax": f"import torch\nimport torch.nn.functional as F\n{prelude}"
                       f"def softmax(logits, dim=-1):\n{body}"}


# name: ({function: source}, expected score, {case prefix: expected status})
FORBIDDEN_EVASIONS = {
    "aten_overload": (_softmax_with("    return torch.ops.aten._softmax.default(logits, dim, False)\n"),
                      16.0, {"softmax/values": "forbidden"}),
    "aten_int_overload": (_softmax_with("    return torch.ops.aten.softmax.int(logits, dim)\n"),
                          16.0, {"softmax/values": "forbidden"}),
    "disable_torch_function": (_softmax_with("    with torch._C.DisableTorchFunction():\n"
                                             "        return torch.softmax(logits, dim)\n"),
                               16.0, {"softmax/values": "forbidden"}),
    "pops_the_mode_stack": (_softmax_with(
        "    from torch.overrides import _pop_mode_temporarily\n"
        "    with _pop_mode_temporarily():\n        return torch.softmax(logits, dim)\n"),
        16.0, {"softmax/values": "forbidden"}),
    "in_a_thread": (_softmax_with("    import threading\n    box = []\n"
                                  "    t = threading.Thread(target=lambda: box.append(torch.softmax(logits, dim)))\n"
                                  "    t.start(); t.join()\n    return box[0] if box else logits * 0\n"),
                    16.0, {"softmax/values": "forbidden"}),
    "through_jit": (_softmax_with("    return _scripted(logits, dim)\n",
                                 prelude="@torch.jit.script\ndef _scripted(x: torch.Tensor, d: int) -> torch.Tensor:\n"
                                         "    return torch.softmax(x, d)\n"),
                    16.0, {"softmax/values": "forbidden"}),
    "scipy_softmax": (_softmax_with("    import scipy.special\n"
                                    "    out = scipy.special.softmax(logits.detach().cpu().numpy(), axis=dim)\n"
                                    "    return torch.from_numpy(out).to(logits.dtype)\n"),
                      16.0, {"softmax/values": "forbidden"}),
    "patches_detector_module": (_softmax_with(
        "    return F.softmax(logits, dim)\n",
        prelude="import sys, importlib\ntry:\n    _f = sys.modules.get('autograder.inside.forbidden') or "
                "importlib.import_module('autograder.inside.forbidden')\n"
                "    _f.Detector.__enter__ = lambda self: self\n    _f.Detector.__exit__ = lambda self, *a: None\n"
                "    _f.arm_dispatch = lambda spec: None\nexcept Exception:\n    pass\n"),
        16.0, {"softmax/values": "forbidden"}),
    "patches_run_call": (_softmax_with(
        "    return F.softmax(logits, dim)\n",
        prelude="import sys, importlib\ntry:\n    _probe = sys.modules.get('autograder.inside.probe') or "
                "importlib.import_module('autograder.inside.probe')\n    _real = _probe.run_call\n"
                "    def _quiet(*a, **k):\n        obs = _real(*a, **k)\n        obs['forbidden'] = []\n        return obs\n"
                "    _probe.run_call = _quiet\nexcept Exception:\n    pass\n"),
        16.0, {"softmax/values": "forbidden"}),
    "cross_entropy_aten": ({"cross_entropy": "import torch\ndef cross_entropy(logits, target, reduction='mean'):\n"
                            "    r = {'none': 0, 'mean': 1, 'sum': 2}[reduction]\n"
                            "    return torch.ops.aten.cross_entropy_loss.default(logits, target.long(), None, r, -100, 0.0)\n"},
                           15.0, {"cross_entropy/mean": "forbidden"}),
    "grad_via_engine_entry": ({"softmax_ce_grad": "import torch\nfrom torch.autograd import Variable\n"
                               "def softmax_ce_grad(logits, target):\n"
                               "    x = logits.detach().clone().requires_grad_(True)\n"
                               "    loss = cross_entropy(x, target)\n"
                               "    (g,) = Variable._execution_engine.run_backward((loss,), (torch.ones_like(loss),),"
                               " False, False, (x,), False)\n"
                               "    return g\n"},
                              17.5, {"softmax_ce_grad/": "forbidden"}),
    "grad_in_a_thread": ({"softmax_ce_grad": "import torch, threading\ndef softmax_ce_grad(logits, target):\n"
                          "    x = logits.detach().clone().requires_grad_(True)\n    box = []\n"
                          "    def work():\n        box.append(torch.autograd.grad(cross_entropy(x, target), x)[0])\n"
                          "    t = threading.Thread(target=work); t.start(); t.join()\n"
                          "    return box[0] if box else logits * 0\n"},
                         17.5, {"softmax_ce_grad/": "forbidden"}),
    "grad_by_forward_ad": ({"softmax_ce_grad": "import torch\nimport torch.autograd.forward_ad as fwAD\n"
                            "def softmax_ce_grad(logits, target):\n    n, c = logits.shape\n"
                            "    grad = torch.zeros_like(logits)\n    with fwAD.dual_level():\n"
                            "        for i in range(n):\n            for j in range(c):\n"
                            "                t = torch.zeros_like(logits); t[i, j] = 1\n"
                            "                out = cross_entropy(fwAD.make_dual(logits, t), target)\n"
                            "                grad[i, j] = fwAD.unpack_dual(out).tangent\n    return grad\n"},
                           17.5, {"softmax_ce_grad/": "forbidden"}),
    "threading_setprofile_none": (
        {"gaussian_nll": "import threading, torch\ndef gaussian_nll(y, mu, sigma):\n    threading.setprofile(None)\n"
                         "    box = []\n    s = torch.as_tensor(sigma, dtype=y.dtype)\n"
                         "    t = threading.Thread(target=lambda: box.append("
                         "-torch.distributions.Normal(mu, s).log_prob(y).sum()))\n"
                         "    t.start(); t.join()\n    return box[0] if box else y.sum() * 0\n"},
        18.0, {"gaussian_nll/": "forbidden"}),
    "scipy_stats": ({"gaussian_nll": "import torch\nfrom scipy import stats\ndef gaussian_nll(y, mu, sigma):\n"
                     "    s = torch.as_tensor(sigma, dtype=y.dtype).expand_as(y).numpy()\n"
                     "    return torch.tensor(-stats.norm.logpdf(y.numpy(), mu.expand_as(y).numpy(), s).sum(),"
                     " dtype=y.dtype)\n"},
                    18.0, {"gaussian_nll/": "forbidden"}),
    "distributions_after_setprofile_none": (
        {"gaussian_nll": "import sys, math, torch\ndef gaussian_nll(y, mu, sigma):\n    sys.setprofile(None)\n"
                         "    s = torch.as_tensor(sigma, dtype=y.dtype)\n"
                         "    return -torch.distributions.Normal(mu, s).log_prob(y).sum()\n"},
        18.0, {"gaussian_nll/": "forbidden"}),
    "distributions_in_a_thread": (
        {"gaussian_nll": "import threading, torch\ndef gaussian_nll(y, mu, sigma):\n    box = []\n"
                         "    s = torch.as_tensor(sigma, dtype=y.dtype)\n"
                         "    t = threading.Thread(target=lambda: box.append("
                         "-torch.distributions.Normal(mu, s).log_prob(y).sum()))\n"
                         "    t.start(); t.join()\n    return box[0] if box else y.sum() * 0\n"},
        18.0, {"gaussian_nll/": "forbidden"}),
    "value_computed_when_encoded": (_softmax_with(
        "    return _Lazy(logits, dim)\n",
        prelude="class _Lazy(torch.Tensor):\n"
                "    @staticmethod\n    def __new__(cls, x, d):\n"
                "        t = torch.Tensor._make_subclass(cls, x.detach() * 0)\n        t._src = (x, d)\n        return t\n"
                "    @classmethod\n    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
                "        with torch._C.DisableTorchFunction():\n"
                "            src = getattr(args[0], '_src', None) if args else None\n"
                "            if src is not None:\n"
                "                args = (torch.softmax(*src),) + tuple(args[1:])\n"
                "            return func(*args, **(kwargs or {}))\n"),
        # encoding reads what the tensor holds (subclass hooks off): zeros, which keep only the
        # shape/dtype invariants a zero-returning softmax earns
        16.75, {"softmax/values": "failed"}),
}

TAMPERING = {
    # the notebook's own records replaced: nothing it reports can be trusted
    "fifo_progress": ({"mse_loss": OUT_DIR + "os.unlink(_out + '/progress')\nos.mkfifo(_out + '/progress')\n"
                       + HONEST_MSE},
                      0.0, {"softmax/values": "crashed"}),
    "progress_links_to_dev_zero": ({"mse_loss": OUT_DIR + "os.unlink(_out + '/progress')\n"
                                    "os.symlink('/dev/zero', _out + '/progress')\n" + HONEST_MSE},
                                   0.0, {"softmax/values": "crashed"}),
    # a case's own log made a link, and the grader's later records planted as FIFOs from a case
    "case_log_link": ({"bernoulli_nll": OUT_DIR + "for _i in range(200):\n"
                       "    try:\n        os.symlink('/dev/zero', f'{_out}/case-{_i}.log')\n    except OSError:\n"
                       "        pass\n"
                       "def bernoulli_nll(p, y):\n    return -(y * torch.log(p) + (1 - y) * torch.log1p(-p)).sum()\n"},
                      0.0, {"softmax/values": "crashed"}),
    "plants_fifos_in_results": ({"bernoulli_nll": "import os, glob\n"
                                 "def bernoulli_nll(p, y):\n"
                                 "    for d in glob.glob('/grading/out/*/results-*') + glob.glob('/grading/out/results-*'):\n"
                                 "        for name in ['exits.json'] + [f'case-{i}.json' for i in range(200)]:\n"
                                 "            try:\n                os.mkfifo(os.path.join(d, name))\n"
                                 "            except OSError:\n                pass\n"
                                 "    return -(y * torch.log(p) + (1 - y) * torch.log1p(-p)).sum()\n"},
                                0.0, {"softmax/values": "crashed"}),
    # results computed at top level (with the forbidden softmax) and planted, read-only, before
    # any case ran: never read; the softmax is still caught
    "plants_results": ({"softmax": "import os, json, torch\nimport torch.nn.functional as F\n"
                        + OUT_DIR +
                        "for _i in range(200):\n"
                        "    for _n in (f'case-{_i}.json', f'case-{_i}.npz'):\n"
                        "        try:\n            open(os.path.join(_out, _n), 'w').write(json.dumps({'data': [], 'arrays': {}}))\n"
                        "            os.chmod(os.path.join(_out, _n), 0o444)\n"
                        "        except OSError:\n            pass\n"
                        "def softmax(logits, dim=-1):\n    return F.softmax(logits, dim)\n"},
                       16.0, {"softmax/values": "forbidden"}),
    # a results folder planted under the name pattern: the grader cannot tell which is real
    "plants_results_folder": ({"mse_loss": OUT_DIR + "for _i in range(3):\n"
                               "    os.mkdir(os.path.join(_out, f'results-{_i:032x}'))\n" + HONEST_MSE},
                              0.0, {"softmax/values": "crashed"}),
    "huge_results": ({"bernoulli_nll": "def bernoulli_nll(p, y):\n"
                      "    v = -(y * torch.log(p) + (1 - y) * torch.log1p(-p)).sum()\n"
                      "    return (v, torch.zeros(9_000_000, dtype=torch.float64))\n"},
                     18.5, {}),  # output-limit, or crashed where the file-size rlimit stopped the write
    # /tmp and /dev/shm are memory on the host: bounded per sandbox (it gets the honest value
    # back only when it could not write more than the bound)
    "fills_tmp": ({"bernoulli_nll": "import os\n_written = 0\n"
                   "for _k in range(24):\n    for _top in ('/tmp', '/dev/shm'):\n        try:\n"
                   "            with open(f'{_top}/fill{_k}', 'wb') as _f:\n"
                   "                for _ in range(64):\n                    _written += _f.write(b'x' * (1 << 20))\n"
                   "        except OSError:\n            pass\n"
                   "def bernoulli_nll(p, y):\n"
                   "    v = -(y * torch.log(p) + (1 - y) * torch.log1p(-p)).sum()\n"
                   "    return v if _written < (1200 << 20) else v * 0\n"},
                  20.0, {}),
}
