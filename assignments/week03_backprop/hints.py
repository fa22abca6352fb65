"""Week 3 hints: each mistake's variant, computed by the grader in float64 in the form the
case's driver returns (forward→backward gradients, an optimiser's trajectory, a Value graph's
data and gradients), or a recorded signal (see autograder.casekit.hints)."""

from __future__ import annotations

import math

import numpy as np
import torch

from autograder.casekit.hints import as64, answer, any_of, autograd_backward, buggy_backward, raised, rule, variant
from autograder.protocol.programs import run_program
from autograder.protocol.wire import TensorValue

FB = "forward_backward"


# -- forward → backward ------------------------------------------------------------------------
def _linear_dx_flat(x, W, b, dout):
    return dout @ W.T, x.reshape(x.shape[0], -1).T @ dout, dout.sum(0)


def _linear_db_mean(x, W, b, dout):
    return (dout @ W.T).reshape(x.shape), x.reshape(x.shape[0], -1).T @ dout, dout.mean(0)


def _linear_db_unsummed(x, W, b, dout):
    return (dout @ W.T).reshape(x.shape), x.reshape(x.shape[0], -1).T @ dout, dout


def _relu_ge(x, dout):
    return dout * (x >= 0)


def _relu_by_dout(x, dout):
    return dout * (dout > 0)


def _sigmoid_no_dout(x, dout):
    s = torch.sigmoid(x)
    return s * (1 - s)


def _sigmoid_exp_ratio(x):
    return torch.exp(x) / (1 + torch.exp(x))


# -- optimisers ----------------------------------------------------------------------------------
def _trajectory(step_fn, *, lr_once=False):
    """Parameters after every step, driven as the ``optimizer_trajectory`` driver does."""
    def of(call):
        params, grads, kwargs, *lrs = call.args
        ps = [as64(p) for p in params]
        state: list[dict] = [{} for _ in ps]
        shared = {"t": 0, "steps": 0}
        out = []
        for k, step in enumerate(grads):
            lr = kwargs.get("lr", 1e-3) if (lr_once or not lrs) else lrs[0][k]
            shared["steps"] += 1
            for i, g in enumerate(step):
                if g is not None:
                    ps[i] = step_fn(ps[i], as64(g), state[i], shared, lr, kwargs)
            out.append([p.clone() for p in ps])
        return {"trajectory": out}
    return of


def _sgd(form: str = "torch"):
    def step(p, g, s, shared, lr, kw):
        mu = kw.get("momentum", 0.0)
        if not mu:
            return p - lr * g
        if form == "cs231n":  # v = μv − lr·g; p += v
            s["v"] = -lr * g if "v" not in s else mu * s["v"] - lr * g
            return p + s["v"]
        if form == "ema":  # v = μv + (1 − μ)g, first v = g
            s["v"] = g.clone() if "v" not in s else mu * s["v"] + (1 - mu) * g
        elif form == "ema-from-zero":
            s["v"] = (1 - mu) * g if "v" not in s else mu * s["v"] + (1 - mu) * g
        else:
            s["v"] = g.clone() if "v" not in s else mu * s["v"] + g
        return p - lr * s["v"]
    return step


def _adam(*, bias: str = "right", counter: str = "own", eps_inside: bool = False):
    def step(p, g, s, shared, lr, kw):
        b1, b2 = kw.get("betas", (0.9, 0.999))
        eps = kw.get("eps", 1e-8)
        s["t"] = s.get("t", 0) + 1
        shared["t"] += 1
        t = {"own": s["t"], "shared": shared["t"], "per-step": shared["steps"]}[counter]
        s["m"] = b1 * s.get("m", torch.zeros_like(p)) + (1 - b1) * g
        s["v"] = b2 * s.get("v", torch.zeros_like(p)) + (1 - b2) * g * g
        if bias == "none":
            m_hat, v_hat = s["m"], s["v"]
        else:
            tc = t + 1 if bias == "t+1" else t
            m_hat, v_hat = s["m"] / (1 - b1 ** tc), s["v"] / (1 - b2 ** tc)
        denom = (v_hat + eps).sqrt() if eps_inside else v_hat.sqrt() + eps
        return p - lr * m_hat / denom
    return step


# -- Value ---------------------------------------------------------------------------------------
def _value_class(*, overwrite: frozenset = frozenset(), relu_ge: bool = False, pow_k: bool = False,
                 tanh_1_minus_t: bool = False, rsub_swapped: bool = False, rdiv_swapped: bool = False,
                 recursive: bool = False):
    """The reference ``Value`` with one mistake switched on."""
    def acc(node, op, g):
        node.grad = g if op in overwrite else node.grad + g

    class V:
        def __init__(self, data, children=()):
            self.data, self.grad, self._prev, self._backward = float(data), 0.0, tuple(children), lambda: None

        @staticmethod
        def lift(o):
            return o if isinstance(o, V) else V(o)

        def __add__(self, other):
            other = V.lift(other)
            out = V(self.data + other.data, (self, other))

            def b():
                acc(self, "add", out.grad)
                acc(other, "add", out.grad)
            out._backward = b
            return out

        def __mul__(self, other):
            other = V.lift(other)
            out = V(self.data * other.data, (self, other))

            def b():
                acc(self, "mul", other.data * out.grad)
                acc(other, "mul", self.data * out.grad)
            out._backward = b
            return out

        def __pow__(self, k):
            out = V(self.data ** k, (self,))

            def b():
                acc(self, "pow", (k * self.data ** k if pow_k else k * self.data ** (k - 1)) * out.grad)
            out._backward = b
            return out

        def relu(self):
            out = V(self.data if self.data > 0 else 0.0, (self,))

            def b():
                acc(self, "relu", (1.0 if (self.data >= 0 if relu_ge else self.data > 0) else 0.0) * out.grad)
            out._backward = b
            return out

        def tanh(self):
            t = math.tanh(self.data)
            out = V(t, (self,))

            def b():
                acc(self, "tanh", ((1 - t) if tanh_1_minus_t else (1 - t * t)) * out.grad)
            out._backward = b
            return out

        def __neg__(self):
            return self * -1.0

        def __sub__(self, other):
            return self + (-V.lift(other))

        def __truediv__(self, other):
            return self * V.lift(other) ** -1

        def __radd__(self, other):
            return self + other

        def __rsub__(self, other):
            return self - other if rsub_swapped else V(other) - self

        def __rmul__(self, other):
            return self * other

        def __rtruediv__(self, other):
            return self / other if rdiv_swapped else V(other) / self

        def backward(self):
            self.grad = 1.0
            if recursive:  # each node pushes its gradient on before all of it has arrived
                def visit(node):
                    node._backward()
                    for child in node._prev:
                        visit(child)
                visit(self)
                return
            order, seen, stack = [], set(), [(self, False)]
            while stack:
                node, done = stack.pop()
                if done:
                    order.append(node)
                    continue
                if id(node) in seen:
                    continue
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)
            for node in reversed(order):
                node._backward()
    return V


def _graph(cls):
    def of(call):
        (program,) = call.args
        try:
            nodes = run_program(program, cls)
            nodes[-1].backward()
        except (ArithmeticError, RecursionError, ValueError, TypeError):
            return None
        leaves = [n for n, (op, *_) in zip(nodes, program) if op == "leaf"]
        return {"data": [float(n.data) for n in nodes], "grads": [float(n.grad) for n in leaves]}
    return of


# -- train_mlp -------------------------------------------------------------------------------------
def _linear_predictions(case, observations):
    """The held-out predictions are split by a straight line (a logistic regression fitted to the
    student's own predicted labels reproduces them): the model is linear."""
    from sklearn.linear_model import LogisticRegression

    for call, obs in zip(case.calls, observations):
        preds = obs.output.get("predictions") if isinstance(obs.output, dict) else None
        pred = preds[0] if isinstance(preds, list) and preds else None
        if not isinstance(pred, TensorValue):
            continue
        X = call.args[1][0].detach().double().numpy()
        y = np.asarray(pred.array).reshape(-1)
        if len(y) != len(X) or len(np.unique(y)) != 2:
            continue
        fit = LogisticRegression(C=1e4, max_iter=2000).fit(X, y)
        if fit.score(X, y) >= 0.995:
            return ""
    return None


def hints(cases) -> list:
    ref_linear, ref_relu, ref_sigmoid = cases.ref_linear, cases.ref_relu, cases.ref_sigmoid
    linear_right, relu_right = autograd_backward(ref_linear, 3), autograd_backward(ref_relu, 1)
    sigmoid_right = autograd_backward(ref_sigmoid, 1)

    def sgd_right(call):
        params, grads, kwargs, *lrs = call.args
        return {"trajectory": cases.torch_trajectory(torch.optim.SGD, params, grads, kwargs, lrs[0] if lrs else None)}

    def adam_right(call):
        params, grads, kwargs, *lrs = call.args
        return {"trajectory": cases.torch_trajectory(torch.optim.Adam, params, grads, kwargs, lrs[0] if lrs else None)}

    value_right = _graph(_value_class())

    def value(**bug):
        return variant(_graph(_value_class(**bug)), value_right, driver="value_graph")

    ops = ("add", "mul", "pow", "relu", "tanh")
    return [
        rule("linear.no-flatten",
             "입력 x가 (N, d1, d2, …) 모양이면 먼저 (N, D)로 펼쳐야(reshape) 합니다. 지금은 펼치지 않고 곱해서 오류가 납니다",
             "An input of shape (N, d1, d2, …) must be flattened to (N, D) before the product: it is not",
             raised("RuntimeError", message="mat"), cases=("forward_nd",)),
        rule("linear.dx-shape",
             "dx는 입력 x와 같은 모양이어야 합니다. (N, D)로 펼친 채 반환하지 말고 x.shape로 되돌리세요",
             "`dx` must have the input's shape: reshape it back to `x.shape` instead of returning it flat",
             variant(buggy_backward(_linear_dx_flat), linear_right, driver=FB)),
        rule("linear.db-not-summed",
             "db는 배치 전체에 대해 더해야(sum) 합니다 — 평균을 내거나 샘플별로 남기지 마세요",
             "`db` must be summed over the batch, not averaged or kept per sample",
             any_of(variant(buggy_backward(_linear_db_mean), linear_right, driver=FB),
                    variant(buggy_backward(_linear_db_unsummed), linear_right, driver=FB))),
        rule("relu.grad-at-zero",
             "입력이 정확히 0인 곳에서 ReLU의 기울기를 1로 두었습니다. 이 과제의 관례는 0입니다 (x > 0일 때만 통과)",
             "The derivative at exactly 0 is taken as 1; the convention here is 0 (pass `dout` only where x > 0)",
             variant(buggy_backward(_relu_ge), relu_right, driver=FB)),
        rule("relu.backward-mask",
             "역전파 마스크를 dout의 부호로 만들었습니다. 순전파 입력 x > 0인 위치로 마스크해야 합니다",
             "The backward mask uses the sign of `dout`; it must use the forward input (x > 0)",
             variant(buggy_backward(_relu_by_dout), relu_right, driver=FB)),
        rule("sigmoid.overflow",
             "큰 |x|에서 exp가 overflow되어 nan/inf가 나옵니다. x ≥ 0과 x < 0을 나눠 exp(−|x|)만 계산하세요",
             "`exp` overflows for large |x| (nan/inf): split x ≥ 0 and x < 0 so only exp(−|x|) is computed",
             variant(answer(_sigmoid_exp_ratio), part=0),
             cases=("stability",)),
        rule("sigmoid.backward-missing-dout",
             "국소 미분 s·(1 − s)에 위에서 온 기울기 dout을 곱하지 않았습니다 (연쇄 법칙)",
             "The local derivative s·(1 − s) is not multiplied by the upstream `dout` (chain rule)",
             variant(buggy_backward(_sigmoid_no_dout), sigmoid_right, driver=FB)),
        rule("SGD.momentum-form",
             "과제가 요구하는 모멘텀 형태(torch.optim.SGD: v = μ·v + g, p −= lr·v)와 다른 형태입니다 "
             "(CS231n 형태, 지수이동평균, 또는 첫 속도가 다름). lr이 바뀌는 경우에도 같게 되는지 보세요",
             "Another momentum form than the one asked (torch's v = μ·v + g, p −= lr·v): the CS231n form, an "
             "exponential average, or a velocity that starts wrong — check it also when lr changes",
             any_of(*(variant(_trajectory(_sgd(f)), sgd_right) for f in ("cs231n", "ema", "ema-from-zero")))),
        rule("SGD.lr-read-once",
             "학습률을 생성자에서 한 번 복사해 두고 계속 씁니다. step()마다 self.lr을 읽어야 바꾼 lr이 반영됩니다",
             "The learning rate is copied at construction: read `self.lr` at every `step()` so a changed lr counts",
             variant(_trajectory(_sgd(), lr_once=True), sgd_right)),
        rule("SGD.none-grad",
             "`.grad`가 None인 파라미터를 건너뛰지 않아 오류가 납니다. `if p.grad is None: continue`가 필요합니다",
             "A parameter whose `.grad` is None is not skipped, so the step fails: skip it",
             raised("TypeError", "AttributeError", message="NoneType"), cases=("none_grad",)),
        rule("Adam.bias-correction",
             "편향 보정(m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ))이 없거나 t가 하나 어긋났습니다",
             "Bias correction (m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)) is missing or uses t off by one",
             any_of(variant(_trajectory(_adam(bias="none")), adam_right),
                    variant(_trajectory(_adam(bias="t+1")), adam_right))),
        rule("Adam.step-count",
             "스텝 수 t를 모든 파라미터가 공유하거나 step() 호출마다 셉니다. 파라미터마다 자기 갱신 횟수를 세야 합니다",
             "One step counter shared by all parameters (or counted per call): each parameter counts its own updates",
             any_of(variant(_trajectory(_adam(counter="shared")), adam_right),
                    variant(_trajectory(_adam(counter="per-step")), adam_right))),
        rule("Adam.eps-placement",
             "ε을 제곱근 안에 넣었습니다. 분모는 sqrt(v̂) + ε입니다",
             "ε is inside the square root: the denominator is sqrt(v̂) + ε",
             variant(_trajectory(_adam(eps_inside=True)), adam_right)),
        rule("Value.grad-overwritten",
             "_backward에서 기울기를 대입(=)했습니다. 같은 노드가 여러 번 쓰이면 기울기를 누적(+=)해야 합니다",
             "Gradients are assigned (`=`) in `_backward`: a node used more than once must accumulate (`+=`)",
             any_of(value(overwrite=frozenset(ops)), *(value(overwrite=frozenset({op})) for op in ops))),
        rule("Value.topological-order",
             "backward가 위상 정렬의 역순으로 노드를 방문하지 않습니다. 모든 기울기가 도착한 뒤에 노드를 전파하세요",
             "`backward` does not visit nodes in reverse topological order: propagate a node only once all of its "
             "gradient has arrived",
             value(recursive=True)),
        rule("Value.reflected-ops",
             "반사 연산(2 + v, 2 * v, 2 − v, 1 / v)이 없거나 틀렸습니다. __radd__, __rmul__, __rsub__, __rtruediv__를 확인하세요",
             "Reflected operators (`2 + v`, `2 * v`, `2 - v`, `1 / v`) are missing or wrong: check `__radd__`, "
             "`__rmul__`, `__rsub__`, `__rtruediv__`",
             any_of(value(rsub_swapped=True), value(rdiv_swapped=True),
                    (raised("TypeError", message="unsupported operand"), None)), cases=("reflected",)),
        rule("Value.local-derivative",
             "어떤 연산의 국소 미분이 틀렸습니다 (거듭제곱 k·xᵏ⁻¹, tanh 1 − t², relu는 0에서 0)",
             "A local derivative is wrong (power k·xᵏ⁻¹, tanh 1 − t², relu 0 at 0)",
             any_of(value(pow_k=True), value(tanh_1_minus_t=True), value(relu_ge=True))),
        rule("train_mlp.linear-model",
             "예측이 직선 하나로 나뉩니다: 모델이 선형 모델처럼 동작합니다. 층 사이에 비선형 활성화(ReLU, tanh)가 있는지, 충분히 학습했는지 보세요",
             "The predictions are split by one straight line: the model behaves as a linear one — check for a "
             "non-linearity (ReLU, tanh) between the layers, and that it trained long enough",
             _linear_predictions),
    ]
