"""The MLP baseline: same task as KANRegressor, two sizes, deterministic, no global state."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from ggmm import get_preset
from ggmm.estimators import MLPRegressor
from ggmm.estimators.mlp import mlp_parameter_count


class Data:
    def __init__(self, n: int, seed: int) -> None:
        preset = get_preset("original")
        self.mixture, self.bounds = preset.mixture, preset.bounds
        self.X_train, _ = preset.mixture.sample(n, seed=seed)
        self.X_test, _ = preset.mixture.sample(500, seed=seed + 1)


@pytest.fixture(scope="module")
def data() -> Data:
    return Data(1000, seed=0)


def test_parameter_counts_of_the_two_recommended_sizes() -> None:
    assert mlp_parameter_count(2, [12, 12]) == 205
    assert mlp_parameter_count(2, [44, 44]) == 2157
    small = Data(50, seed=0)
    assert (
        MLPRegressor(hidden=[12, 12], steps=5).fit(small.X_train, target=small.mixture.pdf, seed=0).n_parameters_ == 205
    )


def test_fits_the_density_and_stays_non_negative(data: Data) -> None:
    est = MLPRegressor(hidden=[12, 12]).fit(data.X_train, target=data.mixture.pdf, seed=0)
    g = data.mixture.grid(data.bounds, 80)
    X = np.stack(np.meshgrid(*g.axes, indexing="ij"), axis=-1).reshape(-1, 2)
    density = est.density(X)
    assert np.all(density >= 0) and np.all(np.isfinite(density))
    truth = g.density.ravel()
    constant = np.sqrt(np.mean((truth - truth.mean()) ** 2))
    assert np.sqrt(np.mean((density - truth) ** 2)) < constant  # beats the constant predictor
    assert not est.tags.normalized and not hasattr(est, "logpdf")


def test_same_seed_same_result_and_no_global_state(data: Data) -> None:
    np.random.seed(1)
    random.seed(2)
    torch.manual_seed(3)
    before = (np.random.get_state()[1].copy(), random.getstate(), torch.get_rng_state())

    def fit(seed: int):
        return MLPRegressor(hidden=[8], steps=30).fit(data.X_train, target=data.mixture.pdf, seed=seed)

    a, b, c = fit(4).density(data.X_test), fit(4).density(data.X_test), fit(5).density(data.X_test)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(before[0], np.random.get_state()[1])
    assert before[1] == random.getstate()
    assert torch.equal(before[2], torch.get_rng_state())


def test_rejects_bad_hyperparameters() -> None:
    with pytest.raises(ValueError, match="hidden"):
        MLPRegressor(hidden=[])
    with pytest.raises(ValueError, match="activation"):
        MLPRegressor(activation="gelu")
