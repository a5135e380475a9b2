"""The one training loop (ggmm.estimators._training) and the tuning scheme (successive halving)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from ggmm_build.tuning import budget_params, successive_halving

from ggmm import get_preset
from ggmm.estimators import KAMixtureKAN, KANDensityEstimator, KANRegressor, MLPRegressor
from ggmm.estimators._training import StageOutcome, make_optimizer, state_copier, train_stage


def _quadratic(target: torch.Tensor) -> tuple[torch.Tensor, callable, callable]:
    w = torch.zeros_like(target, requires_grad=True)

    def objective(step: int) -> tuple[torch.Tensor, float]:
        loss = ((w - target) ** 2).sum()
        return loss, float(loss.detach())

    def validate() -> float:
        return float(((w.detach() - target) ** 2).sum())

    return w, objective, validate


@pytest.mark.parametrize("optimizer, lr", [("adam", 0.1), ("lbfgs", 1.0)])
def test_a_convex_problem_converges_and_says_so(optimizer: str, lr: float) -> None:
    target = torch.tensor([1.0, -2.0, 0.5])
    w, objective, validate = _quadratic(target)
    get, put = state_copier([w])
    out = train_stage(
        params=[w],
        objective=objective,
        validate=validate,
        get_state=get,
        set_state=put,
        steps=5000,
        lr=lr,
        optimizer=optimizer,
        patience=50,
        every=5,
        rel_tol=1e-3,
    )
    assert out.reason == "patience" and out.steps < out.limit
    assert out.steps - out.best_step >= out.patience
    assert validate() == pytest.approx(out.best_loss)  # the best step's parameters are kept
    torch.testing.assert_close(w.detach(), target, atol=1e-2, rtol=0)


def test_a_stage_cut_by_its_limit_reports_the_limit() -> None:
    w, objective, validate = _quadratic(torch.tensor([100.0]))
    get, put = state_copier([w])
    out = train_stage(
        params=[w],
        objective=objective,
        validate=validate,
        get_state=get,
        set_state=put,
        steps=30,
        lr=1e-3,
        patience=20,
        every=5,
    )
    assert out == StageOutcome(
        best_step=30, steps=30, limit=30, patience=20, reason="limit", best_loss=out.best_loss, optimizer="adam"
    )
    assert out.record()["reason"] == "limit"


def test_the_relative_tolerance_ends_a_slow_crawl() -> None:
    """A loss that still falls, but by less than rel_tol per new best, counts as converged."""
    losses = iter(1.0 - 1e-5 * np.arange(1, 10_000))
    w = torch.zeros(1, requires_grad=True)

    def objective(step: int) -> tuple[torch.Tensor, float]:
        return (w**2).sum(), 0.0

    out = train_stage(
        params=[w],
        objective=objective,
        validate=lambda: float(next(losses)),
        get_state=lambda: None,
        set_state=lambda s: None,
        steps=5000,
        lr=1e-3,
        patience=100,
        every=10,
        rel_tol=1e-3,
    )
    assert out.reason == "patience" and out.steps == out.best_step + 100 < 5000


def test_divergence_is_an_error_not_nans() -> None:
    w = torch.ones(1, requires_grad=True)

    def objective(step: int) -> tuple[torch.Tensor, float]:
        loss = w.sum() * float("inf")
        return loss, float(loss.detach())

    with pytest.raises(FloatingPointError, match="diverged at step 1"):
        train_stage(
            params=[w],
            objective=objective,
            validate=lambda: 0.0,
            get_state=lambda: None,
            set_state=lambda s: None,
            steps=10,
            lr=0.1,
        )


def test_adam_steps_contiguous_and_strided_tensors_alike() -> None:
    """A transposed view and a contiguous copy get the same Adam steps as torch's plain loop.

    (torch's fused CPU update would step the view with the wrong gradients.)
    """
    g = torch.Generator().manual_seed(0)
    base, grads = torch.randn(4, 3, generator=g), [torch.randn(3, 4, generator=g) for _ in range(5)]
    strided = torch.nn.Parameter(base.t())  # a transposed view, as a refit coefficient can be
    dense = torch.nn.Parameter(base.t().contiguous())
    reference = dense.detach().clone().requires_grad_(True)
    other = torch.nn.Parameter(torch.zeros(2))  # two tensors: the multi-tensor update
    optimizers = [make_optimizer([strided, other], "adam", 0.1), make_optimizer([dense], "adam", 0.1)]
    plain = torch.optim.Adam([reference], lr=0.1, foreach=False)
    assert not strided.is_contiguous()
    for grad in grads:
        for p, opt in zip((strided, dense, reference), (*optimizers, plain), strict=True):
            p.grad = grad.clone()
            opt.step()
    # the same update rule, in a different arithmetic order: equal to float32 rounding
    torch.testing.assert_close(strided.detach(), reference.detach(), rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(dense.detach(), reference.detach(), rtol=1e-6, atol=1e-6)


def test_an_unknown_optimizer_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="'optimizer' must be one of"):
        MLPRegressor(optimizer="sgd")
    with pytest.raises(ValueError, match="'optimizer' must be one of"):
        KANRegressor(optimizer="SGD")


def test_lbfgs_sees_one_objective_per_step() -> None:
    """L-BFGS evaluates a step several times; the step number it passes stays the same, so
    objectives that draw random points per step give L-BFGS one deterministic function."""
    w = torch.zeros(2, requires_grad=True)
    seen: list[int] = []

    def objective(step: int) -> tuple[torch.Tensor, float]:
        seen.append(step)
        loss = ((w - torch.tensor([3.0, -1.0])) ** 4).sum()
        return loss, float(loss.detach())

    train_stage(
        params=[w],
        objective=objective,
        validate=lambda: 1.0,
        get_state=lambda: None,
        set_state=lambda s: None,
        steps=3,
        lr=1.0,
        optimizer="lbfgs",
        patience=100,
    )
    assert sorted(set(seen)) == [1, 2, 3] and len(seen) > 3


def test_every_network_reports_its_stages_with_both_optimizers() -> None:
    preset = get_preset("original")
    X, _ = preset.mixture.sample(300, seed=0)
    for optimizer in ("adam", "lbfgs"):
        fitted = [
            MLPRegressor(hidden=[6], steps=15, optimizer=optimizer, lr=0.01).fit(X, target=preset.mixture.pdf),
            KANRegressor(steps=12, retrain_steps=8, refine_grid=6, optimizer=optimizer, lr=0.01).fit(
                X, target=preset.mixture.pdf
            ),
            KANDensityEstimator(steps=10, grid=5, quad_points=16, optimizer=optimizer, lr=0.01).fit(X),
            KAMixtureKAN(n_components=2, steps=10, grid=8, quad_points=40, optimizer=optimizer, lr=0.01).fit(X),
        ]
        for est in fitted:
            assert est.stages_, type(est).__name__
            for name, rec in est.stages_.items():
                assert rec["optimizer"] == optimizer and rec["reason"] in ("patience", "limit"), (est, name)
                assert 0 <= rec["best_step"] <= rec["steps"] <= rec["limit"]
                assert est.best_steps_[name] >= rec["best_step"]


# -- successive halving -----------------------------------------------------------------------


def test_successive_halving_keeps_the_best_share_and_chooses_from_the_last_rung() -> None:
    cands = [{"x": v} for v in (5, 1, 4, 2, 8, 3, 7, 6)]
    calls: list[tuple[int, float]] = []

    def score(c: dict, fraction: float) -> float:
        calls.append((c["x"], fraction))
        # at a quarter budget candidate 2 looks best; at full budget candidate 1 is
        return float(c["x"]) if fraction == 1.0 or c["x"] != 2 else 0.5

    out = successive_halving(cands, score, [0.25, 1.0], 0.25)
    assert [x for x, f in calls if f == 0.25] == [5, 1, 4, 2, 8, 3, 7, 6]
    assert sorted(x for x, f in calls if f == 1.0) == [1, 2]  # ceil(8 / 4) go on
    assert cands[out["chosen"]] == {"x": 1}
    assert out["rung"] == [0, 1, 0, 1, 0, 0, 0, 0]
    assert out["scores"][1] == 1.0 and out["scores"][3] == 2.0


def test_halving_without_a_step_budget_is_one_full_rung() -> None:
    out = successive_halving(
        [{"a": 1}, {"a": 0}], lambda c, f: (c["a"], f)[0] + (1 - f), [0.25, 1.0], 0.5, budgeted=False
    )
    assert out["rungs"] == [1.0] and out["chosen"] == 1 and out["rung"] == [0, 0]


@pytest.mark.parametrize("rungs, keep", [([0.5], 0.5), ([1.0, 0.5], 0.5), ([0.25, 1.0], 0.0)])
def test_halving_rejects_a_bad_scheme(rungs: list[float], keep: float) -> None:
    with pytest.raises(ValueError):
        successive_halving([{}], lambda c, f: 0.0, rungs, keep)


STEPS = ("steps", "retrain_steps")


def test_budgets_scale_only_step_limits() -> None:
    params = {"steps": 3000, "retrain_steps": 10, "lr": 0.01, "patience": 200}
    assert budget_params(params, 0.25, STEPS) == {"steps": 750, "retrain_steps": 3, "lr": 0.01, "patience": 200}
    assert budget_params(params, 1.0, STEPS) == params
    assert budget_params({"steps": 1}, 0.01, STEPS)["steps"] == 1
    assert math.isclose(budget_params({"lr": 0.5}, 0.5, STEPS)["lr"], 0.5)
