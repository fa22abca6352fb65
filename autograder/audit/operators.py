"""Mutation operators for an audit: cosmic-ray's standard ones, plus four that tensor code
needs and cosmic-ray does not have (same ``Operator`` interface, on parso trees).

cosmic-ray gives arithmetic and comparison operator swaps, unary operators, numbers ±1,
True/False, ``not`` added, and/or, break/continue and zero-iteration loops. Added here:
``+=`` → ``=``, a dropped ``.detach()``/``.clone()``/``.contiguous()``/``.float()``, a changed
``dim=``/``axis=``/``keepdim=`` argument, and the first two positional arguments swapped.
"""

from __future__ import annotations

import parso
from cosmic_ray.operators.operator import Example, Operator
from cosmic_ray.plugins import get_operator
from parso.python.tree import Keyword, Number, Operator as Op

# the cosmic-ray operators an audit applies: the ones that make realistic tensor-code bugs
# (bit operations, floor division and `is` comparisons are left out: rare in this code)
_ARITHMETIC = [("Add", "Sub"), ("Sub", "Add"), ("Mul", "Div"), ("Div", "Mul"), ("Pow", "Mul"), ("Add", "Mul"),
               ("Mul", "Add")]
_COMPARISON = [("Lt", "LtE"), ("LtE", "Lt"), ("Gt", "GtE"), ("GtE", "Gt"), ("Lt", "Gt"), ("Gt", "Lt"),
               ("Eq", "NotEq"), ("NotEq", "Eq")]
COSMIC_RAY = ([f"core/ReplaceBinaryOperator_{a}_{b}" for a, b in _ARITHMETIC]
              + [f"core/ReplaceComparisonOperator_{a}_{b}" for a, b in _COMPARISON]
              + ["core/ReplaceUnaryOperator_USub_UAdd", "core/NumberReplacer", "core/ReplaceTrueWithFalse",
                 "core/ReplaceFalseWithTrue", "core/AddNot", "core/ReplaceAndWithOr", "core/ReplaceOrWithAnd",
                 "core/ReplaceBreakWithContinue", "core/ZeroIterationForLoop"])


class AugAssignToAssign(Operator):
    """``x += y`` → ``x = y`` (an accumulation that overwrites)."""

    def mutation_positions(self, node):
        if node.type == "expr_stmt" and len(node.children) == 3 and node.children[1].type == "operator" \
                and node.children[1].value in ("+=", "-=", "*=", "/="):
            yield (node.start_pos, node.end_pos)

    def mutate(self, node, index):
        old = node.children[1]
        node.children[1] = Op("=", old.start_pos, prefix=old.prefix)
        return node

    @classmethod
    def examples(cls):
        return (Example("x += 1", "x = 1"),)


_DROPPABLE = {"detach", "clone", "contiguous", "float", "double"}


class DropTensorCall(Operator):
    """``x.detach()`` → ``x`` (also ``clone``, ``contiguous``, ``float``, ``double``)."""

    def _spots(self, node):
        if node.type != "atom_expr":
            return []
        kids = node.children
        return [i for i in range(1, len(kids) - 1)
                if kids[i].type == "trailer" and kids[i].children[0].value == "."
                and kids[i].children[1].value in _DROPPABLE and kids[i + 1].get_code() == "()"]

    def mutation_positions(self, node):
        # computed before the first yield: the visitor mutates the node between yields
        yield from [(node.children[i].start_pos, node.children[i + 1].end_pos) for i in self._spots(node)]

    def mutate(self, node, index):
        i = self._spots(node)[index]
        node.children = node.children[:i] + node.children[i + 2:]
        return node

    @classmethod
    def examples(cls):
        return (Example("y = x.detach()", "y = x"),)


class ChangeDimArgument(Operator):
    """``dim=-1`` → ``dim=0`` (and any other → ``-1``); ``keepdim=True`` ↔ ``False``."""

    def mutation_positions(self, node):
        if node.type == "argument" and len(node.children) == 3 and node.children[0].type == "name" \
                and node.children[0].value in ("dim", "axis", "keepdim"):
            yield (node.start_pos, node.end_pos)

    def mutate(self, node, index):
        name, value = node.children[0].value, node.children[2]
        prefix = value.get_first_leaf().prefix  # the value may be a node (-1 is a factor)
        if name == "keepdim":
            new = "False" if value.get_code().strip() == "True" else "True"
            node.children[2] = Keyword(new, value.start_pos, prefix=prefix)
        else:
            new = "0" if value.get_code().strip() in ("-1", "1") else "-1"
            node.children[2] = Number(new, value.start_pos, prefix=prefix)
        node.children[2].parent = node
        return node

    @classmethod
    def examples(cls):
        return (Example("f(x, dim=-1)", "f(x, dim=0)"),)


class SwapArguments(Operator):
    """``f(a, b, …)`` → ``f(b, a, …)`` for the first two positional arguments."""

    def _pair(self, node):
        if node.type != "arglist":
            return None
        args = [c for c in node.children if c.type != "operator"]
        if len(args) < 2 or any(a.type == "argument" for a in args[:2]):
            return None
        return node.children.index(args[0]), node.children.index(args[1])

    def mutation_positions(self, node):
        if self._pair(node):
            yield (node.start_pos, node.end_pos)

    def mutate(self, node, index):
        i, j = self._pair(node)
        parts = [c.get_code() for c in node.children]

        def lead(text: str) -> str:
            return text[:len(text) - len(text.lstrip())]

        parts[i], parts[j] = lead(parts[i]) + parts[j].strip(), lead(parts[j]) + parts[i].strip()
        swapped = _first(parso.parse(f"_({''.join(parts)})"), "arglist")
        node.children = swapped.children
        for child in node.children:
            child.parent = node
        return node

    @classmethod
    def examples(cls):
        return (Example("f(a, b)", "f(b, a)"),)


def _first(node, kind: str):
    if node.type == kind:
        return node
    for child in getattr(node, "children", []):
        found = _first(child, kind)
        if found is not None:
            return found
    return None


OWN = {"AugAssignToAssign": AugAssignToAssign, "DropTensorCall": DropTensorCall,
       "ChangeDimArgument": ChangeDimArgument, "SwapArguments": SwapArguments}


def operators() -> dict[str, Operator]:
    """Name → operator instance, cosmic-ray's first."""
    found = {name: get_operator(name)() for name in COSMIC_RAY}
    found.update({f"audit/{name}": cls() for name, cls in OWN.items()})
    return found
