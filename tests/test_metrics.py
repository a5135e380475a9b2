"""Metrics: definitions checked on cases with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from ggmm import GeneralizedGaussianMixture, get_preset
from ggmm.metrics import density_rmse, heldout_nll, match_components, parameter_errors


def test_heldout_nll_and_stderr() -> None:
    nll, se = heldout_nll(np.log([0.5, 0.25]))
    assert nll == pytest.approx((np.log(2) + np.log(4)) / 2)
    assert se == pytest.approx(np.std([np.log(2), np.log(4)], ddof=1) / np.sqrt(2))
    with pytest.raises(ValueError, match="'log_density'"):
        heldout_nll([])


def test_density_rmse() -> None:
    assert density_rmse([1.0, 2.0], [1.0, 4.0]) == pytest.approx(np.sqrt(2.0))
    with pytest.raises(ValueError, match="'estimate' should have the shape"):
        density_rmse([1.0], [1.0, 2.0])


def test_matching_undoes_a_permutation() -> None:
    truth = get_preset("original").mixture
    perm = [2, 0, 1]
    shuffled = GeneralizedGaussianMixture(truth.centers[perm] + 0.01, truth.scales[perm], truth.weights[perm], truth.p)
    order = match_components(truth.centers, shuffled.centers)
    np.testing.assert_allclose(shuffled.centers[order] - 0.01, truth.centers, atol=1e-12)
    errors = parameter_errors(truth, shuffled)
    assert errors["center_rmse"] == pytest.approx(0.01)
    assert errors["scale_rmse"] == 0.0 and errors["weight_max_abs"] == 0.0 and errors["p_abs"] == 0.0


def test_parameter_errors_need_same_shape() -> None:
    a = get_preset("original").mixture
    b = get_preset("close").mixture
    with pytest.raises(ValueError, match="same K and D"):
        parameter_errors(a, b)
