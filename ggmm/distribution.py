"""The generalized Gaussian mixture distribution.

One component in one dimension has the density

    f(x; c, alpha, p) = p / (2 alpha Gamma(1/p)) * exp(-(|x - c| / alpha) ** p),

which is Laplace at p = 1, Gaussian at p = 2 (alpha = sqrt(2) sigma) and tends to
the uniform law on [c - alpha, c + alpha] as p grows. SciPy calls it
``scipy.stats.gennorm`` (shape ``beta = p``). A D-dimensional component is the
product of D independent such densities (evaluated by :mod:`ggmm.components`) and the
mixture is ``P(x) = sum_k pi_k P_k(x)``; its values on a regular grid are a
:class:`~ggmm.density_grid.DensityGrid`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from ._validation import as_float_array, check_int, check_positive, check_samples
from .components import estimate_component_logpdf, logsumexp_rows
from .density_grid import DensityGrid

__all__ = ["GeneralizedGaussianMixture"]

_WEIGHT_TOL = 1e-6


def _from_dict(data: dict[str, Any]) -> GeneralizedGaussianMixture:
    return GeneralizedGaussianMixture.from_dict(data)


# ---------------------------------------------------------------------------
# Public class
# ---------------------------------------------------------------------------


class GeneralizedGaussianMixture:
    """A mixture of K generalized Gaussian components with independent dimensions.

    Parameters
    ----------
    centers : array-like of shape (K, D)
        Component centers c.
    scales : array-like of shape (K, D)
        Component scales alpha (> 0).
    weights : array-like of shape (K,)
        Mixing weights pi, non-negative, summing to 1 within 1e-6.
    p : float or array-like of shape (K,)
        Shape parameter (> 0): one for all components or one per component.
    normalize_weights : bool, default False
        Divide the weights by their sum instead of rejecting weights that do not
        sum to 1.

    Raises
    ------
    ValueError
        On wrong shapes, mismatched K or D, non-finite values, non-positive scales
        or shapes, negative weights, or weights not summing to 1.

    Examples
    --------
    >>> m = GeneralizedGaussianMixture([[0.0]], [[1.0]], [1.0], p=2.0)
    >>> round(float(m.pdf([[0.0]])[0]), 6)
    0.56419
    """

    __slots__ = ("_centers", "_scales", "_weights", "_p", "_p_scalar", "_frozen")
    _centers: np.ndarray
    _scales: np.ndarray
    _weights: np.ndarray
    _p: np.ndarray
    _p_scalar: bool
    _frozen: bool

    def __init__(
        self,
        centers: Any,
        scales: Any,
        weights: Any,
        p: Any = 2.0,
        *,
        normalize_weights: bool = False,
    ) -> None:
        centers = as_float_array(centers, "centers", 2)
        scales = as_float_array(scales, "scales", 2)
        weights = as_float_array(weights, "weights", 1)
        if scales.shape != centers.shape:
            raise ValueError(
                f"The parameter 'scales' should have the shape of 'centers' {centers.shape}, but got {scales.shape}."
            )
        K = centers.shape[0]
        if weights.shape != (K,):
            raise ValueError(
                f"The parameter 'weights' should have shape ({K},) to match 'centers', but got {weights.shape}."
            )
        check_positive(scales, "scales")
        if np.any(weights < 0):
            raise ValueError(f"The parameter 'weights' must be non-negative, but got {weights}.")
        total = weights.sum()
        if normalize_weights:
            if total <= 0:
                raise ValueError(f"The parameter 'weights' must have a positive sum, but got {weights}.")
            weights = weights / total
        elif abs(total - 1.0) > _WEIGHT_TOL:
            raise ValueError(
                "The parameter 'weights' should be normalized, but got "
                f"sum(weights) = {total:.7f}; pass normalize_weights=True to rescale them."
            )
        p_scalar = np.ndim(p) == 0
        p_arr = as_float_array(np.atleast_1d(p), "p", 1)
        if p_scalar:
            p_arr = np.full(K, p_arr[0])
        elif p_arr.shape != (K,):
            raise ValueError(f"The parameter 'p' should be a number or have shape ({K},), but got {p_arr.shape}.")
        check_positive(p_arr, "p")
        for name, arr in (("centers", centers), ("scales", scales), ("weights", weights), ("p", p_arr)):
            arr.setflags(write=False)
            object.__setattr__(self, "_" + name, arr)
        object.__setattr__(self, "_p_scalar", bool(p_scalar))
        object.__setattr__(self, "_frozen", True)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("GeneralizedGaussianMixture is immutable; build a new one instead.")

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        # pickle through the validated dict form (the immutable slots refuse setattr)
        return (_from_dict, (self.to_dict(),))

    # -- parameters ---------------------------------------------------------

    @property
    def centers(self) -> np.ndarray:
        """Component centers, read-only array of shape (K, D)."""
        return self._centers

    @property
    def scales(self) -> np.ndarray:
        """Component scales alpha, read-only array of shape (K, D)."""
        return self._scales

    @property
    def weights(self) -> np.ndarray:
        """Mixing weights, read-only array of shape (K,)."""
        return self._weights

    @property
    def p(self) -> float | np.ndarray:
        """Shape: a float if one was given for all components, else an array of shape (K,)."""
        return float(self._p[0]) if self._p_scalar else self._p

    @property
    def shapes(self) -> np.ndarray:
        """Shape of every component, read-only array of shape (K,)."""
        return self._p

    @property
    def n_components(self) -> int:
        """Number of components K."""
        return int(self._centers.shape[0])

    @property
    def n_features(self) -> int:
        """Number of dimensions D."""
        return int(self._centers.shape[1])

    @property
    def n_parameters(self) -> int:
        """Free parameters: centers and scales, K - 1 weights, and the shape(s)."""
        K, D = self.n_components, self.n_features
        return 2 * K * D + (K - 1) + (1 if self._p_scalar else K)

    # -- evaluation ---------------------------------------------------------

    def _check_X(self, X: Any) -> np.ndarray:
        return check_samples(X, self.n_features)

    def component_logpdf(self, X: Any) -> np.ndarray:
        """Log density of each sample under each component (without the weights).

        Parameters
        ----------
        X : array-like of shape (N, D)

        Returns
        -------
        log_prob : ndarray of shape (N, K)
        """
        return estimate_component_logpdf(self._check_X(X), self._centers, self._scales, self._p)

    def _weighted_log_prob(self, X: Any) -> np.ndarray:
        with np.errstate(divide="ignore"):
            weighted: np.ndarray = self.component_logpdf(X) + np.log(self._weights)
        return weighted

    def logpdf(self, X: Any) -> np.ndarray:
        """Log density of the mixture, computed with log-sum-exp.

        Parameters
        ----------
        X : array-like of shape (N, D)

        Returns
        -------
        log_density : ndarray of shape (N,)
            Finite far into the tails, where ``log(pdf(X))`` would give ``-inf``.
        """
        log_density: np.ndarray = logsumexp_rows(self._weighted_log_prob(X))
        return log_density

    def pdf(self, X: Any) -> np.ndarray:
        """Density of the mixture at each sample.

        Parameters
        ----------
        X : array-like of shape (N, D)

        Returns
        -------
        density : ndarray of shape (N,)
        """
        density: np.ndarray = np.exp(self.logpdf(X))
        return density

    def posterior(self, X: Any) -> np.ndarray:
        """Responsibilities gamma_nk = pi_k P_k(x_n) / sum_j pi_j P_j(x_n).

        Parameters
        ----------
        X : array-like of shape (N, D)

        Returns
        -------
        responsibility : ndarray of shape (N, K)
            Rows sum to 1, also far in the tails (computed in log space).
        """
        weighted = self._weighted_log_prob(X)
        log_posterior: np.ndarray = weighted - logsumexp_rows(weighted)[:, None]
        posterior: np.ndarray = np.exp(log_posterior)
        return posterior

    def marginal_cdf(self, x: Any, dim: int) -> np.ndarray:
        """Cumulative distribution function of one coordinate's marginal.

        Parameters
        ----------
        x : array-like of shape (N,)
        dim : int
            Which coordinate, 0 <= dim < D.

        Returns
        -------
        cdf : ndarray of shape (N,)
        """
        dim = check_int(dim, "dim", 0)
        if dim >= self.n_features:
            raise ValueError(f"The parameter 'dim' must be < {self.n_features}, but got {dim}.")
        x = np.asarray(x, dtype=float)
        total: np.ndarray = np.zeros_like(x)
        for k in range(self.n_components):
            total += self._weights[k] * stats.gennorm.cdf(
                x, self._p[k], loc=self._centers[k, dim], scale=self._scales[k, dim]
            )
        return total

    # -- sampling -----------------------------------------------------------

    def sample(self, n: int, seed: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Draw samples with the Gamma construction.

        For each coordinate, ``|x - c| / alpha = G ** (1/p)`` with ``G ~ Gamma(1/p, 1)``,
        times an independent random sign. This reaches the whole real line, unlike
        drawing ``|u| ** (1/p)`` with ``u`` uniform, which never leaves
        ``[c - alpha, c + alpha]``.

        Parameters
        ----------
        n : int
            Number of samples (>= 1).
        seed : int, numpy.random.Generator or None
            Source of randomness; the same integer gives the same samples.

        Returns
        -------
        X : ndarray of shape (n, D)
        labels : ndarray of int64, shape (n,)
            The component each sample was drawn from.
        """
        n = check_int(n, "n", 1)
        rng = np.random.default_rng(seed)
        labels = rng.choice(self.n_components, size=n, p=self._weights)
        p = self._p[labels][:, None]
        gamma = rng.gamma(shape=1.0 / p, scale=1.0, size=(n, self.n_features))
        sign = rng.choice(np.array([-1.0, 1.0]), size=(n, self.n_features))
        X = self._centers[labels] + sign * self._scales[labels] * gamma ** (1.0 / p)
        return X, labels.astype(np.int64)

    # -- grids --------------------------------------------------------------

    def default_bounds(self, mass: float = 0.999) -> np.ndarray:
        """Bounds that hold at least ``mass`` of every component in every dimension.

        Returns
        -------
        bounds : ndarray of shape (D, 2)
            ``[low, high]`` per dimension.
        """
        q = stats.gennorm.ppf(0.5 + mass / 2.0, self._p)[:, None] * self._scales
        return np.stack([(self._centers - q).min(axis=0), (self._centers + q).max(axis=0)], axis=1)

    def grid(self, bounds: Any = None, resolution: int | tuple[int, ...] = 100) -> DensityGrid:
        """Evaluate the density on a regular grid.

        Parameters
        ----------
        bounds : array-like of shape (D, 2), optional
            ``[low, high]`` per dimension; :meth:`default_bounds` when omitted.
        resolution : int or tuple of int
            Points per axis (>= 2).

        Returns
        -------
        DensityGrid
        """
        D = self.n_features
        bounds = self.default_bounds() if bounds is None else as_float_array(bounds, "bounds", 2)
        if bounds.shape != (D, 2) or np.any(bounds[:, 1] <= bounds[:, 0]):
            raise ValueError(f"The parameter 'bounds' should have shape ({D}, 2) with low < high, but got {bounds}.")
        given = (resolution,) * D if isinstance(resolution, int) or np.ndim(resolution) == 0 else tuple(resolution)
        if len(given) != D:
            raise ValueError(f"The parameter 'resolution' should give {D} sizes, but got {resolution}.")
        res = tuple(check_int(r, "resolution", 2) for r in given)
        axes = tuple(np.linspace(lo, hi, r) for (lo, hi), r in zip(bounds, res, strict=True))
        mesh = np.meshgrid(*axes, indexing="ij")
        points = np.stack([m.ravel() for m in mesh], axis=1)
        return DensityGrid(axes=axes, density=self.pdf(points).reshape(res))

    # -- serialization ------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary that :meth:`from_dict` turns back into an equal mixture."""
        return {
            "centers": self._centers.tolist(),
            "scales": self._scales.tolist(),
            "weights": self._weights.tolist(),
            "p": float(self._p[0]) if self._p_scalar else self._p.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GeneralizedGaussianMixture:
        """Build a mixture from :meth:`to_dict` output (validated like the constructor)."""
        if not isinstance(data, dict):
            raise ValueError(f"The parameter 'data' must be a dict, but got {type(data).__name__}.")
        missing = {"centers", "scales", "weights", "p"} - set(data)
        if missing:
            raise ValueError(f"The parameter 'data' is missing the key(s) {sorted(missing)}.")
        return cls(data["centers"], data["scales"], data["weights"], data["p"])

    def save(self, path: str | Path) -> None:
        """Write the mixture to ``path`` as JSON (exact: floats are written with repr)."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> GeneralizedGaussianMixture:
        """Read a mixture written by :meth:`save`."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    # -- comparison ---------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GeneralizedGaussianMixture):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict()))

    def __repr__(self) -> str:
        p = self.p if self._p_scalar else self._p.tolist()
        return f"GeneralizedGaussianMixture(K={self.n_components}, D={self.n_features}, p={p})"
