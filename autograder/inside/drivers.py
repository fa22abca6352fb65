"""Drivers: fixed, trusted code that exercises a student's class or stateful function.

A plain case calls one student function and records its return value. Some items cannot be
judged from one call — an optimiser's trajectory over 10 steps, a ``Value`` graph's
gradients, a forward pass whose cache feeds the backward pass, a training function that
returns ``predict``. A driver runs that protocol inside the sandbox and returns plain data
(tensors, numbers, lists); the judge outside compares it with references it computed itself.

Every driver has the signature ``driver(namespace, target, *args, **kwargs)``: ``target`` is
the student's object named by the call, ``namespace`` the notebook's globals (for a partner
function such as the matching ``*_backward``). Inputs spelled ``{"torch.Generator": seed}``
become seeded generators here, since a generator cannot cross the wire.
"""

from __future__ import annotations

from typing import Any, Callable

import torch
from torch.optim.optimizer import register_optimizer_step_pre_hook
from torch.overrides import TorchFunctionMode, resolve_name

from autograder.inside.isolated import FileState, in_fork
from autograder.protocol.programs import GENERATOR, run_program


def _prepare(value: Any) -> Any:
    """Generator specs become generators; every other object is passed through as itself, so
    a student function that mutates a container (batch-norm's ``state``) is observed."""
    if isinstance(value, dict) and set(value) == {GENERATOR}:
        return torch.Generator().manual_seed(int(value[GENERATOR]))
    if isinstance(value, (list, tuple)):
        items = [_prepare(v) for v in value]
        return value if all(a is b for a, b in zip(items, value)) else type(value)(items)
    if isinstance(value, dict):
        items = {k: _prepare(v) for k, v in value.items()}
        return value if all(items[k] is v for k, v in value.items()) else items
    return value


def call(ns: dict, target: Callable, *args, **kwargs) -> Any:
    """A plain call whose inputs may hold generators."""
    return target(*_prepare(args), **_prepare(kwargs))


def forward_backward(ns: dict, target: Callable, backward: str, fwd_args: tuple, fwd_kwargs: dict,
                     dout: torch.Tensor) -> dict:
    """``out, cache = target(*fwd_args)``; then ``namespace[backward](dout, cache)``."""
    back = ns.get(backward)
    if not callable(back):
        raise NameError(f"'{backward}' is not defined (or not callable) in the notebook")
    out, cache = target(*_prepare(fwd_args), **_prepare(fwd_kwargs))
    return {"out": out, "grads": back(dout, cache)}


def optimizer_trajectory(ns: dict, target: type, params: list, grads: list[list], kwargs: dict,
                         lrs: list[float] | None = None) -> dict:
    """Build ``target(params, **kwargs)``; each step sets ``p.grad`` (None stays None), sets
    ``opt.lr`` to ``lrs[k]`` when given (the contract's public, mutable attribute), and calls
    ``step()``. Returns the parameters after every step and the grads after ``zero_grad()``."""
    leaves = [p.detach().clone().requires_grad_(True) for p in params]
    opt = target(leaves, **kwargs)
    trajectory = []
    for k, step_grads in enumerate(grads):
        for p, g in zip(leaves, step_grads):
            p.grad = None if g is None else g.detach().clone()
        if lrs is not None:
            opt.lr = lrs[k]
        opt.step()
        trajectory.append([p.detach().clone() for p in leaves])
    opt.zero_grad()
    after = [None if p.grad is None else p.grad.detach().clone() for p in leaves]
    return {"trajectory": trajectory, "after_zero_grad": after}


def value_graph(ns: dict, target: type, program: list) -> dict:
    """Build the program from the student's ``Value`` class, back-propagate from the last node."""
    nodes = run_program(program, target)
    nodes[-1].backward()
    leaves = [n for n, (op, *_) in zip(nodes, program) if op == "leaf"]
    return {"data": [float(n.data) for n in nodes], "grads": [float(n.grad) for n in leaves]}


def stateful_sequence(ns: dict, target: type, kwargs: dict, method: str, inputs: list,
                      attributes: list[str]) -> list:
    """Call ``obj.method(x)`` for each input; record the result and the named attributes."""
    obj = target(**kwargs)
    record = []
    for x in inputs:
        result = getattr(obj, method)(x)
        record.append({"result": result, **{a: getattr(obj, a, None) for a in attributes}})
    return record


class _RegularizerWatch(TorchFunctionMode):
    """Notes torch dropout calls with p > 0 during training."""

    def __init__(self, seen: set[str]):
        super().__init__()
        self.seen = seen

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = (resolve_name(func) or getattr(func, "__name__", "")).rsplit(".", 1)[-1]
        if "dropout" in name:
            p = kwargs.get("p", args[1] if len(args) > 1 else 0.5)
            training = kwargs.get("training", kwargs.get("train", args[2] if len(args) > 2 else True))
            if isinstance(p, (int, float)) and p > 0 and training:
                self.seen.add(f"torch {name}")
        return func(*args, **kwargs)


def _watch_own(ns: dict, seen: set[str]) -> dict:
    """Wrap the notebook's own regularisers so calls that really regularise are noted."""
    checks = {
        "dropout_forward": lambda a, k: (k.get("p", a[1] if len(a) > 1 else 0) or 0) > 0
        and k.get("train", a[2] if len(a) > 2 else True),
        "l2_penalty": lambda a, k: (k.get("reg", a[1] if len(a) > 1 else 0) or 0) > 0,
        "sgd_step": lambda a, k: (k.get("wd", a[3] if len(a) > 3 else 0) or 0) > 0,
    }
    originals = {}
    for name, really in checks.items():
        fn = ns.get(name)
        if not callable(fn):
            continue
        originals[name] = fn

        def wrapper(*a, _fn=fn, _name=name, _really=really, **k):
            try:
                if _really(a, k):
                    seen.add(_name)
            except Exception:  # noqa: BLE001 - odd arguments: let the student's function decide
                pass
            return _fn(*a, **k)

        ns[name] = wrapper
    return originals


def train_predict(ns: dict, target: Callable, train_args: tuple, predict_on: list) -> dict:
    """``predict = target(*train_args)``; then ``predict(X)`` for each X (labels stay outside).

    Also reports which regularisers training really used: the notebook's own
    ``dropout_forward``/``l2_penalty``/``sgd_step``, torch dropout, or an optimiser with
    weight decay.
    """
    seen: set[str] = set()

    def decay_hook(optimizer, *_):
        if any(float(g.get("weight_decay", 0) or 0) > 0 for g in optimizer.param_groups):
            seen.add(f"{type(optimizer).__name__}(weight_decay>0)")

    originals = _watch_own(ns, seen)
    handle = register_optimizer_step_pre_hook(decay_hook)
    try:
        with _RegularizerWatch(seen):
            predict = target(*train_args)
    finally:
        handle.remove()
        ns.update(originals)
    if not callable(predict):
        raise TypeError(f"training must return a predict function, got {type(predict).__name__}")
    with torch.no_grad():
        predictions = [torch.as_tensor(predict(X)) for X in predict_on]
    return {"predictions": predictions, "regularizers": sorted(seen)}


def _layers(model: torch.nn.Module) -> list[str]:
    """torch layer classes in the model (a student class named ``Conv2d`` does not count)."""
    return sorted({cls.__name__ for m in model.modules() for cls in type(m).__mro__
                   if cls.__module__.startswith("torch.nn.modules.")})


def _as_module(model: Any, made_by: str) -> torch.nn.Module:
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"{made_by} must give an nn.Module, got {type(model).__name__}")
    return model.eval()


def build_module(ns: dict, target: type, x: torch.Tensor) -> dict:
    """``target()`` built without arguments; its torch layers and its output on ``x``."""
    model = _as_module(target(), f"{getattr(target, '__name__', 'the class')}()")
    with torch.no_grad():
        return {"layers": _layers(model), "output": model(x)}


def train_model(ns: dict, target: Callable, train_args: tuple, predict_on: list) -> dict:
    """``model = target(*train_args)``; predictions are ``model.eval()(X).argmax(-1)``."""
    model = _as_module(target(*_prepare(train_args)), "training")
    with torch.no_grad():
        predictions = [model(X).argmax(dim=-1) for X in predict_on]
    return {"predictions": predictions, "layers": _layers(model)}


def fit_predict(ns: dict, target: Callable, train_args: tuple, predict_on: list, times: int = 1) -> dict:
    """A project's ``model = train(*train_args)`` then ``predict(model, X)``, ``times`` times
    over (the repeats show whether the same seed gives the same predictions)."""
    predict = ns.get("predict")
    if not callable(predict):
        raise NameError("solution.py defines no predict(model, X)")
    def once() -> list[torch.Tensor]:
        model = target(*_prepare(train_args))
        return [torch.as_tensor(predict(model, X)).reshape(-1) for X in predict_on]

    if times == 1:
        return {"predictions": once(), "repeats": []}
    files, runs = FileState(), []  # each training starts from the imported solution, nothing cached
    for _ in range(times):
        runs.append(in_fork(once))
        files.restore()
    return {"predictions": runs[0], "repeats": runs[1:]}


DRIVERS: dict[str, Callable] = {
    "call": call, "forward_backward": forward_backward, "optimizer_trajectory": optimizer_trajectory,
    "value_graph": value_graph, "stateful_sequence": stateful_sequence, "train_predict": train_predict,
    "build_module": build_module, "train_model": train_model, "fit_predict": fit_predict,
}
