"""Values both sides give the same meaning to, beyond plain data: a generator spec
(``{GENERATOR: seed}`` becomes a seeded ``torch.Generator`` in the sandbox) and the straight-line
programs of the Value-graph driver (the judge runs them on torch tensors for the reference, the
sandbox on the student's ``Value`` class)."""

from __future__ import annotations

from typing import Any, Callable

GENERATOR = "torch.Generator"

_VALUE_OPS: dict[str, Callable] = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "pow": lambda a, k: a ** k, "neg": lambda a: -a,
    "radd": lambda c, a: c + a, "rsub": lambda c, a: c - a, "rmul": lambda c, a: c * a,
    "rdiv": lambda c, a: c / a, "relu": lambda a: a.relu(), "tanh": lambda a: a.tanh(),
}


def run_program(program: list, leaf: Callable[[float], Any]) -> list:
    """Evaluate a straight-line program; ``("leaf", x)`` makes an input, other rows name an op
    and operands: ints index earlier nodes, ``("const", c)`` is a Python number."""
    nodes: list = []
    for op, *operands in program:
        if op == "leaf":
            nodes.append(leaf(float(operands[0])))
            continue
        args = [o[1] if isinstance(o, (list, tuple)) else nodes[int(o)] for o in operands]
        nodes.append(_VALUE_OPS[op](*args))
    return nodes
