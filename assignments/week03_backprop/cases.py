"""Week 3 hidden cases — backprop, optimisers, scalar autograd and a two-moons MLP (25 points).

References are torch's own float64 implementations (autograd, ``torch.optim``), computed by
the grader; the held-out two-moons points and their labels never enter the sandbox.
"""

from __future__ import annotations

import math
import random

import torch
from sklearn.datasets import make_moons

from autograder.casekit.checks import accuracy_check, backward_check, backward_grid, held_out_seed, randn
from autograder.casekit.compare import describe, tensor_mismatch
from autograder.casekit.question import question
from autograder.protocol.programs import run_program
from autograder.protocol.wire import TensorValue

SEEDS = (0, 1, 2)
F32 = torch.float32
# Measured on these two-moons sets (1000 points, noise 0.25): logistic regression trained on the
# training points scores 0.841–0.878 held out over 200 seeds (median 0.860; 0.864 on seed 0), and
# even fitted on the held-out points themselves at most 0.879. A 2-16-2 ReLU MLP after 300 Adam
# steps scores 0.908–0.956 over 40 seeds. So 0.89 separates the two with a margin on each side.
LINEAR_CEILING = 0.89


# -- linear ------------------------------------------------------------------------------------
def ref_linear(x, W, b):
    return x.reshape(x.shape[0], -1) @ W + b


def linear_grid(dtype=torch.float64, shapes=((4, 5), (1, 3), (3, 2, 4), (2, 3, 2, 2))):
    configs = []
    for shape in shapes:
        d = math.prod(shape[1:])
        for m in (1, 6):
            for seed in SEEDS:
                args = (randn(shape, seed, dtype=dtype), randn((d, m), seed + 10, dtype=dtype),
                        randn((m,), seed + 20, dtype=dtype))
                configs.append((args, {}, f"x {shape}, W ({d}, {m}), seed={seed}"))
    return configs


# -- activations -------------------------------------------------------------------------------
def ref_relu(x):
    return torch.where(x > 0, x, torch.zeros_like(x))


def ref_sigmoid(x):
    return torch.sigmoid(x)


def activation_grid(dtype=torch.float64, *, zeros=False, scale=2.0):
    configs = []
    for shape in [(7,), (4, 5), (2, 3, 4)]:
        for seed in SEEDS:
            x = randn(shape, seed, scale=scale, dtype=dtype)
            if zeros:
                x.view(-1)[::3] = 0.0
            configs.append(((x,), {}, f"shape={shape}, seed={seed}" + (", every 3rd input exactly 0" if zeros else "")))
    return configs


def extreme_grid():
    xs = [torch.tensor([-1000.0, -100.0, -40.0, 0.0, 40.0, 100.0, 1000.0], dtype=torch.float64),
          torch.tensor([[-800.0, 800.0], [-745.0, 745.0]], dtype=torch.float64),
          torch.tensor([-1000.0, 1000.0], dtype=torch.float32)]
    return [((x,), {}, f"x = {x.tolist()}") for x in xs]


# -- optimisers --------------------------------------------------------------------------------
def optimizer_grid(kind: str, settings: list[dict], *, steps: int, dtype=torch.float64, none_grad=False,
                   lr_changes: bool = False, sparse_grad: bool = False):
    """Trajectories of ``steps`` steps. ``none_grad``: the second parameter's grad is always None;
    ``sparse_grad``: it is None on some steps only (Adam's t counts that parameter's own
    updates); ``lr_changes``: ``opt.lr`` is set before every step (lr is read at each step)."""
    configs = []
    for kwargs in settings:
        for seed in SEEDS:
            shapes = [(3, 4), (5,), (2, 2, 2)]
            params = [randn(s, 100 * seed + i, dtype=dtype) for i, s in enumerate(shapes)]
            grads = [[None if i == 1 and (none_grad or (sparse_grad and k % 3 == 1))
                      else randn(s, 100 * seed + 10 * (k + 1) + i, dtype=dtype)
                      for i, s in enumerate(shapes)] for k in range(steps)]
            label = f"{kind}({', '.join(f'{k}={v}' for k, v in kwargs.items())}), {steps} steps, seed={seed}"
            if none_grad:
                label += ", the second parameter's grad stays None"
            if sparse_grad:
                label += ", the second parameter's grad is None on steps 2, 5, 8"
            args: tuple = (params, grads, kwargs)
            if lr_changes:
                base = kwargs.get("lr", 1e-3)
                args += ([base * f for f in (1.0, 0.5, 2.0, 0.1, 1.5, 0.25, 1.0, 3.0, 0.5, 1.0)[:steps]],)
                label += ", opt.lr changed before every step"
            configs.append((args, {}, label))
    return configs


def torch_trajectory(optimizer, params, grads, kwargs, lrs=None):
    leaves = [p.detach().to(torch.float64).clone().requires_grad_(True) for p in params]
    opt = optimizer(leaves, **kwargs)
    trajectory = []
    for k, step_grads in enumerate(grads):
        for p, g in zip(leaves, step_grads):
            p.grad = None if g is None else g.detach().to(torch.float64).clone()
        if lrs is not None:
            opt.param_groups[0]["lr"] = lrs[k]
        opt.step()
        trajectory.append([p.detach().clone() for p in leaves])
    return trajectory


def trajectory_check(optimizer, *, tol: float = 1e-7, zero_grad: bool = False):
    def check(call, obs):
        params, grads, kwargs, *lrs = call.args
        result = obs.output if isinstance(obs.output, dict) else {}
        got = result.get("trajectory")
        expected = torch_trajectory(optimizer, params, grads, kwargs, lrs[0] if lrs else None)
        if not isinstance(got, list) or len(got) != len(expected):
            return f"the driver got no trajectory ({describe(got)})"
        dtype = str(params[0].dtype).removeprefix("torch.")
        for step, (g_step, e_step) in enumerate(zip(got, expected), start=1):
            for i, (g, e) in enumerate(zip(g_step, e_step)):
                problem = tensor_mismatch(g, e, tol=tol, what=f"parameter {i} after step {step}", dtype=dtype)
                if problem:
                    return problem + ("" if step > 1 else " (already on the first step)")
        if zero_grad:
            for i, g in enumerate(result.get("after_zero_grad") or []):
                if g is not None and (not isinstance(g, TensorValue) or g.to_torch().abs().max() > 0):
                    return f"after zero_grad() parameter {i}'s grad is {describe(g)}, expected None or zeros"
        return None
    return check


# -- Value -------------------------------------------------------------------------------------
def _leaf(x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def value_check(call, obs):
    (program,) = call.args
    nodes = run_program(program, _leaf)
    leaves = [n for n, (op, *_) in zip(nodes, program) if op == "leaf"]
    nodes[-1].backward()
    expected_data = [float(n.detach()) for n in nodes]
    expected_grads = [0.0 if n.grad is None else float(n.grad) for n in leaves]
    got = obs.output if isinstance(obs.output, dict) else {}
    data, grads = got.get("data"), got.get("grads")
    if not isinstance(data, list) or not isinstance(grads, list):
        return f"expected .data and .grad numbers, got {describe(got)}"
    if not _close(data[-1], expected_data[-1]):
        return f"result .data is {data[-1]!r}, expected {expected_data[-1]!r}"
    for i, (g, e) in enumerate(zip(grads, expected_grads)):
        if not _close(g, e):
            return f"input {i}: .grad is {g!r}, expected {e!r}"
    return None


def _close(got, expected, tol=1e-7) -> bool:
    return isinstance(got, (int, float)) and abs(got - expected) <= tol * max(1.0, abs(expected))


C = "const"
ARITHMETIC = [
    ("a + b", [("leaf", 2.0), ("leaf", -3.0), ("add", 0, 1)]),
    ("a - b", [("leaf", 1.5), ("leaf", 4.0), ("sub", 0, 1)]),
    ("a * b", [("leaf", -1.5), ("leaf", 2.5), ("mul", 0, 1)]),
    ("a / b", [("leaf", 3.0), ("leaf", -0.5), ("div", 0, 1)]),
    ("a ** 3", [("leaf", -1.3), ("pow", 0, (C, 3))]),
    ("a ** -2", [("leaf", 0.7), ("pow", 0, (C, -2))]),
    ("a ** 0.5", [("leaf", 2.0), ("pow", 0, (C, 0.5))]),
    ("(a * b - a / b) ** 2", [("leaf", 1.2), ("leaf", -0.8), ("mul", 0, 1), ("div", 0, 1), ("sub", 2, 3),
                               ("pow", 4, (C, 2))]),
    ("-a * b", [("leaf", 0.3), ("leaf", 5.0), ("neg", 0), ("mul", 2, 1)]),
]
REFLECTED = [
    ("2 + a", [("leaf", 1.0), ("radd", (C, 2.0), 0)]),
    ("3 - a", [("leaf", 1.0), ("rsub", (C, 3.0), 0)]),
    ("4 * a", [("leaf", -2.0), ("rmul", (C, 4.0), 0)]),
    ("1 / a", [("leaf", -4.0), ("rdiv", (C, 1.0), 0)]),
    ("(2 - a) * (3 / b) + 1", [("leaf", 0.5), ("leaf", 1.5), ("rsub", (C, 2.0), 0), ("rdiv", (C, 3.0), 1),
                                ("mul", 2, 3), ("radd", (C, 1.0), 4)]),
]
REUSE = [
    ("a * a", [("leaf", 3.0), ("mul", 0, 0)]),
    ("a + a", [("leaf", -2.0), ("add", 0, 0)]),
    ("b = a * c; b * b + b", [("leaf", 1.5), ("leaf", -2.0), ("mul", 0, 1), ("mul", 2, 2), ("add", 3, 2)]),
    ("a / a", [("leaf", 1.7), ("div", 0, 0)]),
    ("diamond: (a + 1) * (a * 2)", [("leaf", 0.4), ("radd", (C, 1.0), 0),
                                    ("rmul", (C, 2.0), 0), ("mul", 1, 2)]),
]
ACTIVATIONS = [
    ("relu(a) for a > 0", [("leaf", 1.3), ("relu", 0)]),
    ("relu(a) for 0 < a < 1", [("leaf", 0.4), ("relu", 0)]),  # a threshold of 1 for 0 (found by the audit)
    ("relu(a) for a < 0", [("leaf", -0.7), ("relu", 0)]),
    ("relu(0) has gradient 0", [("leaf", 0.0), ("relu", 0)]),
    ("tanh(a)", [("leaf", 0.8), ("tanh", 0)]),
    ("tanh(large a)", [("leaf", 25.0), ("tanh", 0)]),
    ("tanh(a * b) + relu(a - b)", [("leaf", 0.6), ("leaf", -1.1), ("mul", 0, 1), ("tanh", 2), ("sub", 0, 1),
                                   ("relu", 4), ("add", 3, 5)]),
]


def random_program(seed: int, n_leaves: int = 4, n_ops: int = 18) -> list:
    rng = random.Random(seed)
    program: list = [("leaf", round(rng.uniform(-2, 2), 3)) for _ in range(n_leaves)]
    for _ in range(n_ops):
        k = len(program)
        i, j = rng.randrange(k), rng.randrange(k)
        op = rng.choice(["add", "sub", "mul", "tanh", "relu", "radd", "rmul", "div", "pow"])
        if op in ("tanh", "relu"):
            program.append((op, i))
        elif op in ("radd", "rmul"):
            program.append((op, (C, round(rng.uniform(-2, 2), 2)), i))
        elif op == "pow":
            program.append(("tanh", i))
            program.append(("pow", k, (C, 2)))
        elif op == "div":  # divide by tanh(x) + 2, which lies in [1, 3]
            program.append(("tanh", j))
            program.append(("radd", (C, 2.0), k))
            program.append(("div", i, k + 1))
        else:
            program.append((op, i, j))
    program.append(("tanh", len(program) - 1))  # keep the result bounded
    return program


def value_configs(programs):
    return [(([list(row) for row in program],), {}, name) for name, program in programs]


# -- two moons ---------------------------------------------------------------------------------
def moons(n, seed):
    X, y = make_moons(n_samples=n, noise=0.25, random_state=seed)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.int64)


# the held-out points' private key (a course may set its own: holdout_seed in grader.yml)
HELD_OUT_KEY = 0x435caf2673725c15


def moons_configs(seeds, key=HELD_OUT_KEY):
    configs = []
    for seed in seeds:
        X, y = moons(1000, 100 + seed)
        X_test, _ = moons(1000, held_out_seed(key, seed))
        configs.append((((X, y, seed), [X_test]), {}, f"seed={seed}"))
    return configs


def moons_labels(key=HELD_OUT_KEY):
    """The labels of the held-out points of a call's seed (they never enter the sandbox)."""
    return lambda call: moons(1000, held_out_seed(key, call.args[0][2]))[1]


def cuda_variant(configs):
    return configs[:3]


def cases(holdout_seed=None):
    key = holdout_seed or HELD_OUT_KEY
    def linear_fb(configs):
        return backward_grid("linear_backward", ref_linear, configs)

    def act_fb(name, ref, configs):
        return backward_grid(f"{name}_backward", ref, configs)

    sgd_settings = [{"lr": 0.1}, {"lr": 0.01}]
    momentum_settings = [{"lr": 0.1, "momentum": 0.9}, {"lr": 0.05, "momentum": 0.5}]
    adam_default = [{}, {"lr": 0.01}]
    adam_settings = [{"lr": 0.05, "betas": (0.8, 0.99)}, {"lr": 0.1, "betas": (0.5, 0.9), "eps": 1e-3}]
    linear = question("linear", fn="linear_forward", forbid=["linear"], no_autograd=True)
    linear.values("forward", "2차원 x에 대해 x @ W + b (모든 크기와 시드) / x @ W + b for 2-D x, every size and seed",
                  linear_grid(shapes=((4, 5), (1, 3), (7, 2))), ref_linear, part=0, weight=1.0)
    linear.values("forward_nd", "모양 (N, d1, …)의 x를 (N, D)로 펼침 / x of shape (N, d1, …) is flattened to (N, D)",
                  linear_grid(shapes=((3, 2, 4), (2, 3, 2, 2))), ref_linear, part=0, weight=0.75)
    linear.driven("backward", "dx(x의 모양), dW, db가 float64 autograd와 같음 / dx (shape of x), dW, db equal autograd's in float64", linear_fb(linear_grid()),
                  backward_check(ref_linear, ("dx", "dW", "db")), driver="forward_backward", weight=1.5)
    linear.driven("float32", "순전파·역전파 모두 float32 입력 → float32 출력 / float32 in, float32 out, forward and backward (rtol 1e-4)",
                  linear_fb(linear_grid(F32, shapes=((4, 5), (3, 2, 4)))),
                  backward_check(ref_linear, ("dx", "dW", "db"), tol=1e-4), driver="forward_backward",
                  weight=0.25)
    linear.invariants("invariants", "출력 모양이 정확히 (N, M), 입력을 바꾸지 않음 / output exactly (N, M), inputs not mutated", linear_grid()[::5], ref_linear,
                      part=0, weight=0.5)
    linear.values("cuda", "CUDA 텐서에서도 같은 결과 (0점, GPU 없으면 건너뜀) / same results on CUDA tensors (0 points; skipped without a GPU)",
                  cuda_variant(linear_grid()), ref_linear, part=0, device="cuda", weight=0.0)

    relu = question("relu", fn="relu_forward", forbid=["relu"], no_autograd=True)
    relu.values("forward", "모든 모양에서 max(x, 0) / max(x, 0) on every shape", activation_grid(), ref_relu, part=0, weight=0.5)
    relu.driven("backward", "x > 0인 곳은 dx = dout, x = 0에서는 0 / dx = dout where x > 0, and 0 at x = 0",
                act_fb("relu", ref_relu, activation_grid(zeros=True)), backward_check(ref_relu, ("dx",)),
                driver="forward_backward", weight=0.75)
    relu.driven("float32", "float32 입력 → float32 출력 / float32 in, float32 out (rtol 1e-4)",
                act_fb("relu", ref_relu, activation_grid(F32, zeros=True)),
                backward_check(ref_relu, ("dx",), tol=1e-4), driver="forward_backward", weight=0.25)
    relu.invariants("invariants", "모양·dtype 유지, 입력을 바꾸지 않음 / exact shape, dtype kept, input not mutated",
                    activation_grid(zeros=True)[::2], ref_relu, part=0, weight=0.5)

    sigmoid = question("sigmoid", fn="sigmoid_forward", forbid=["sigmoid"], no_autograd=True)
    sigmoid.values("forward", "모든 모양에서 1 / (1 + e^−x) / 1 / (1 + e^−x) on every shape", activation_grid(), ref_sigmoid, part=0,
                   weight=0.5)
    sigmoid.driven("backward", "역전파 / backward: dx = dout · s · (1 − s)", act_fb("sigmoid", ref_sigmoid, activation_grid()),
                   backward_check(ref_sigmoid, ("dx",)), driver="forward_backward", weight=0.75)
    sigmoid.values("stability", "x = ±1000에서 정확히 0과 1, nan·inf 없음 / x = ±1000 gives exact 0 and 1, never nan or inf", extreme_grid(), ref_sigmoid,
                   part=0, tol=1e-6, weight=0.5)
    sigmoid.invariants("invariants", "모양·dtype 유지, 입력을 바꾸지 않음 / exact shape, dtype kept, input not modified", activation_grid()[::3],
                       ref_sigmoid, part=0, weight=0.25)
    sigmoid.driven("float32", "순전파·역전파 모두 float32 입력 → float32 출력 / float32 in, float32 out, forward and backward (rtol 1e-4)",
                   act_fb("sigmoid", ref_sigmoid, activation_grid(F32)),
                   backward_check(ref_sigmoid, ("dx",), tol=1e-4), driver="forward_backward", weight=0.5)

    # torch's fused and multi-tensor optimiser kernels are the optimiser under another name
    optimiser_kernels = ["fused_sgd", "fused_adam", "fused_adamw", "fused_adagrad", "foreach"]
    sgd = question("SGD", forbid=optimiser_kernels, modules=["torch.optim"])
    sgd.driven("plain", "모멘텀 없는 torch.optim.SGD와 5단계가 같음 / 5 steps equal torch.optim.SGD without momentum",
               optimizer_grid("SGD", sgd_settings, steps=5), trajectory_check(torch.optim.SGD),
               driver="optimizer_trajectory", weight=1.0)
    sgd.driven("momentum", "모멘텀이 있는 torch.optim.SGD와 5단계가 같음 / 5 steps with momentum equal torch.optim.SGD",
               optimizer_grid("SGD", momentum_settings, steps=5), trajectory_check(torch.optim.SGD),
               driver="optimizer_trajectory", weight=1.0)
    sgd.driven("lr_changes",
               "lr을 매 단계 읽음: 단계 사이에 바꾼 opt.lr 반영 (모멘텀 유무 모두) / lr is read at every step: opt.lr changed between steps, with and without momentum",
               optimizer_grid("SGD", sgd_settings[:1] + momentum_settings, steps=5, lr_changes=True),
               trajectory_check(torch.optim.SGD), driver="optimizer_trajectory", weight=0.5)
    sgd.driven("none_grad", "grad가 None인 파라미터는 건너뜀 / parameters whose grad is None are skipped",
               optimizer_grid("SGD", momentum_settings[:1], steps=5, none_grad=True),
               trajectory_check(torch.optim.SGD), driver="optimizer_trajectory", weight=0.5)
    sgd.driven("zero_grad", "zero_grad()가 모든 기울기를 지움 / zero_grad() clears every gradient",
               optimizer_grid("SGD", sgd_settings[:1], steps=2),
               trajectory_check(torch.optim.SGD, zero_grad=True), driver="optimizer_trajectory", weight=0.5)
    sgd.driven("float32", "float32 파라미터는 float32로 유지 / float32 parameters stay float32 (rtol 1e-4)",
               optimizer_grid("SGD", momentum_settings[:1], steps=5, dtype=F32),
               trajectory_check(torch.optim.SGD, tol=1e-4), driver="optimizer_trajectory", weight=0.5)

    adam = question("Adam", forbid=optimiser_kernels, modules=["torch.optim"])
    adam.driven("defaults", "기본 betas·eps의 torch.optim.Adam과 10단계가 같음 / 10 steps equal torch.optim.Adam with default betas and eps",
                optimizer_grid("Adam", adam_default, steps=10), trajectory_check(torch.optim.Adam),
                driver="optimizer_trajectory", weight=1.0)
    adam.driven("hyperparameters", "다른 lr·betas·eps (편향 보정이 중요) / other lr, betas and eps (bias correction matters)",
                optimizer_grid("Adam", adam_settings, steps=10), trajectory_check(torch.optim.Adam),
                driver="optimizer_trajectory", weight=1.0)
    adam.driven("lr_and_sparse_grads",
                "단계 사이 opt.lr 변경, 어떤 단계에서 grad가 None인 파라미터는 자기 업데이트만 t로 셈 / opt.lr changed between steps; a parameter whose grad is None on some steps counts only its own updates in t",
                optimizer_grid("Adam", adam_default + adam_settings[:1], steps=10, lr_changes=True, sparse_grad=True),
                trajectory_check(torch.optim.Adam), driver="optimizer_trajectory", weight=1.0)
    adam.driven("none_grad_and_zero_grad", "None 기울기는 건너뛰고 zero_grad()가 지움 / None grads skipped; zero_grad() clears",
                optimizer_grid("Adam", adam_default[1:], steps=10, none_grad=True),
                trajectory_check(torch.optim.Adam, zero_grad=True), driver="optimizer_trajectory", weight=0.5)
    adam.driven("float32", "float32 파라미터는 float32로 유지 / float32 parameters stay float32 (rtol 1e-4)",
                optimizer_grid("Adam", adam_default[1:], steps=10, dtype=F32),
                trajectory_check(torch.optim.Adam, tol=1e-4), driver="optimizer_trajectory", weight=0.5)

    value = question("Value", forbid=["*"], modules=["torch"])
    value.driven("arithmetic", "+ − × ÷ **의 값과 기울기가 torch와 같음 / + − × ÷ ** give torch's values and gradients", value_configs(ARITHMETIC),
                 value_check, driver="value_graph", weight=1.0)
    value.driven("reflected", "왼쪽에 수가 오는 연산: 2 + a, 3 − a, 4 · a, 1 / a / 2 + a, 3 − a, 4 · a, 1 / a", value_configs(REFLECTED), value_check,
                 driver="value_graph", weight=1.0)
    value.driven("reuse", "두 번 쓰인 노드는 기울기를 누적 / a node used twice accumulates its gradient", value_configs(REUSE), value_check,
                 driver="value_graph", weight=1.0)
    value.driven("activations", "relu (0에서 기울기 0)와 tanh / relu (gradient 0 at 0) and tanh", value_configs(ACTIVATIONS), value_check,
                 driver="value_graph", weight=1.0)
    value.driven("random_graphs", "노드 25개 정도의 무작위 계산 그래프 / random expression graphs of ~25 nodes",
                 value_configs([(f"random graph, seed={s}", random_program(s)) for s in (*SEEDS, 3, 4)]),
                 value_check, driver="value_graph", weight=1.0)

    train_mlp = question("train_mlp")
    train_mlp.driven("beats_linear",
                     f"검증용 정확도 ≥ {LINEAR_CEILING} (선형 모델은 0.88에 못 미침) / held-out accuracy ≥ {LINEAR_CEILING} (no linear model reaches 0.88 here)",
                     moons_configs(SEEDS[:1], key), accuracy_check(moons_labels(key), LINEAR_CEILING),
                     driver="train_predict", timeout=60, weight=1.0)
    train_mlp.driven("accuracy", "시드 3개 모두 검증용 정확도 ≥ 0.90 / held-out accuracy ≥ 0.90 for each of 3 seeds", moons_configs(SEEDS, key),
                     accuracy_check(moons_labels(key), 0.90), driver="train_predict", timeout=90, weight=2.5)

    return [c for q in (linear, relu, sigmoid, sgd, adam, value, train_mlp) for c in q.cases]
