"""The MLP's compiled objective against torch: tanh, outputs, objective, gradients, a training path."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ggmm import get_preset
from ggmm.estimators import MLPRegressor
from ggmm.estimators import mlp as mlp_module
from ggmm.estimators._fastmlp import FlatMLP, fusable
from ggmm.estimators._mlpkernel import tanh
from ggmm.estimators._pykan import pykan_sandbox
from ggmm.estimators._regression import RegressionProblem
from ggmm.estimators._training import state_copier

EPS32 = float(np.finfo(np.float32).eps)
UNITS = {"tanh": torch.nn.Tanh, "silu": torch.nn.SiLU, "relu": torch.nn.ReLU}


def network(sizes: list[int], unit: str, seed: int) -> torch.nn.Sequential:
    torch.manual_seed(seed)
    layers: list[torch.nn.Module] = []
    for a, b in zip(sizes[:-2], sizes[1:-1], strict=True):
        layers += [torch.nn.Linear(a, b), UNITS[unit]()]
    layers.append(torch.nn.Linear(sizes[-2], sizes[-1]))
    return torch.nn.Sequential(*layers)


def problem(D: int, output: str, log_weight: float, seed: int = 0) -> RegressionProblem:
    """A regression problem on the trivariate or original preset, with fresh domain points every step."""
    mixture = get_preset("trivariate" if D == 3 else "original").mixture
    X, _ = mixture.sample(600, seed=seed)
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    half, center = (hi - lo) / 2, (hi + lo) / 2

    def unit(U: np.ndarray) -> np.ndarray:
        return np.asarray(mixture.pdf(U * half + center))

    rng = np.random.default_rng(seed)
    U = np.vstack([(X[:400] - center) / half, rng.uniform(-1, 1, (200, D))])
    V = (X[400:] - center) / half
    f32 = torch.float32
    U_t, V_t = torch.as_tensor(U, dtype=f32), torch.as_tensor(V, dtype=f32)
    return RegressionProblem(U_t, unit(U), V_t, unit(V), output, log_weight, 400, unit, seed)


def shifted(model: torch.nn.Sequential, prob: RegressionProblem, where: str, step: int) -> None:
    """Move the output bias so that half the step's outputs lie beyond the exponent cap or the log floor.

    The kink sits halfway between the two middle outputs, far from each (a point within rounding
    of a kink would legitimately get different gradients from the two paths).
    """
    if where == "none":
        return
    x, _, log_target = prob.fitting_points(step)
    with torch.no_grad():
        raw = torch.sort(model(x)[:, 0] + prob.offset).values.double()
        middle = float(raw[len(raw) // 2 - 1] + raw[len(raw) // 2]) / 2
        level = 12.0 if where == "cap" else float(log_target.min())
        model[-1].bias += level - middle


def torch_reference(model: torch.nn.Sequential, prob: RegressionProblem, step: int) -> tuple[float, float, np.ndarray]:
    """Objective, RMSE and gradient of torch's float32 path (``RegressionProblem.objective``)."""
    model.zero_grad(set_to_none=True)
    loss, rmse = prob.objective(model, step)
    loss.backward()
    grad = torch.cat([p.grad.reshape(-1) for p in model.parameters()])
    return float(loss.detach()), rmse, grad.numpy().astype(float)


# -- tanh ---------------------------------------------------------------------------------------


def test_tanh_is_within_a_few_float32_units_of_the_exact_value() -> None:
    x = np.concatenate([np.linspace(-12, 12, 240_001), [0.0, -0.0, 7.90531, -7.90531, 1e-30, -1e-8, 50.0, -50.0]])
    x = x.astype(np.float32)
    exact = np.tanh(x.astype(np.float64))
    got = tanh(x).astype(np.float64)
    # Eigen's rational approximation: a few units in the last place, relative
    assert np.all(np.abs(got - exact) <= 4 * EPS32 * np.abs(exact))
    assert np.all(np.abs(got) <= 1.0)
    assert np.isnan(tanh(np.array([np.nan], np.float32))[0])


# -- objective and gradient ---------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["tanh", "silu", "relu"])
@pytest.mark.parametrize(
    "sizes", [[2, 12, 12, 1], [3, 7, 1], [2, 5, 6, 4, 1]], ids=["two-hidden", "one-hidden", "three-hidden"]
)
@pytest.mark.parametrize(
    "output, log_weight, where",
    [("exp", 0.1, "none"), ("exp", 0.1, "cap"), ("exp", 0.1, "floor"), ("exp", 0.0, "none"), ("linear", 0.1, "none")],
)
def test_objective_and_gradient_equal_torch(
    unit: str, sizes: list[int], output: str, log_weight: float, where: str
) -> None:
    prob = problem(sizes[0], output, log_weight)
    model = network(sizes, unit, seed=len(sizes) + sizes[1])
    step = 3
    shifted(model, prob, where, step)
    value, rmse, grad = torch_reference(model, prob, step)
    flat = FlatMLP(model)
    loss, fast_rmse = flat.objective(prob, step)
    assert not loss.requires_grad
    # float32 arithmetic in both, in different orders: agreement to float32 rounding of the sums
    assert float(loss) == pytest.approx(value, rel=1e-5)
    assert fast_rmse == pytest.approx(rmse, rel=1e-5)
    fast = flat.theta.grad.numpy().astype(float)
    assert np.max(np.abs(fast - grad)) <= 1e-5 * np.max(np.abs(grad))
    if where == "cap":  # the capped half contributes no squared-error gradient: both paths agree it is cut
        assert np.max(np.abs(grad)) > 0


def test_predict_and_validation_loss_equal_the_module() -> None:
    prob = problem(2, "exp", 0.1)
    for unit in UNITS:
        model = network([2, 9, 9, 1], unit, seed=4)
        with torch.no_grad():
            expected = prob.validation_loss(model)
        flat = FlatMLP(model)
        assert flat.validation_loss(prob) == pytest.approx(expected, rel=1e-5)


def test_a_non_finite_parameter_gives_a_non_finite_loss() -> None:
    prob = problem(2, "exp", 0.1)
    flat = FlatMLP(network([2, 6, 6, 1], "tanh", seed=1))
    with torch.no_grad():
        flat.theta[5] = float("nan")
    loss, rmse = flat.objective(prob, 1)
    assert not np.isfinite(float(loss)) and not np.isfinite(rmse)


# -- the flat parameter tensor ------------------------------------------------------------------


def test_the_module_views_the_flat_tensor_and_is_released_intact() -> None:
    model = network([2, 5, 5, 1], "tanh", seed=2)
    x = torch.rand(50, 2)
    before = model(x).detach().clone()
    flat = FlatMLP(model)
    assert torch.equal(model(x).detach(), before)
    get_state, set_state = state_copier([flat.theta])
    saved = get_state()
    with torch.no_grad():
        flat.theta.mul_(0.5)
    assert not torch.equal(model(x).detach(), before)  # the module sees the new values
    set_state(saved)
    assert torch.equal(model(x).detach(), before)
    flat.release()
    with torch.no_grad():
        flat.theta.zero_()
    assert torch.equal(model(x).detach(), before)  # released: storage of its own


def test_fusable_only_for_float32_stacks_of_one_known_unit() -> None:
    assert fusable(network([2, 4, 4, 1], "silu", seed=0))
    assert not fusable(network([2, 4, 4, 1], "tanh", seed=0).double())
    mixed = torch.nn.Sequential(
        torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1)
    )
    assert not fusable(mixed)
    assert not fusable(torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.GELU(), torch.nn.Linear(4, 1)))
    assert not fusable(torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)))
    assert not fusable(torch.nn.Linear(2, 1))
    with pytest.raises(ValueError, match="float32 Sequential"):
        FlatMLP(torch.nn.Linear(2, 1))


# -- a training path ----------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer, lr, steps", [("adam", 0.01, 30), ("lbfgs", 1.0, 5)])
def test_training_follows_the_torch_path(
    monkeypatch: pytest.MonkeyPatch, optimizer: str, lr: float, steps: int
) -> None:
    """Same fit through the compiled objective and through torch's: the paths stay together.

    The two differ by float32 rounding per step; over a short fit that stays orders of magnitude
    below how far the parameters move.
    """
    mixture = get_preset("original").mixture
    X, _ = mixture.sample(500, seed=7)

    def fit() -> MLPRegressor:
        est = MLPRegressor(hidden=[12, 12], steps=steps, lr=lr, optimizer=optimizer, patience=10**6)
        return est.fit(X, target=mixture.pdf, seed=3)

    with pykan_sandbox(3):  # the fit's initial network
        initial = MLPRegressor(hidden=[12, 12])._network(2)
    start = torch.cat([p.detach().reshape(-1) for p in initial.parameters()])
    fused = fit()
    monkeypatch.setattr(mlp_module, "fusable", lambda model: False)
    plain = fit()
    a = torch.cat([p.detach().reshape(-1) for p in fused.model_.parameters()])
    b = torch.cat([p.detach().reshape(-1) for p in plain.model_.parameters()])
    moved = float(torch.linalg.vector_norm(b - start))
    assert moved > 0
    assert float(torch.linalg.vector_norm(a - b)) <= 1e-4 * moved
    assert fused.stages_["train"]["steps"] == plain.stages_["train"]["steps"] == steps
