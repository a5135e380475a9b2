"""The KAN estimators, one import away.

* :class:`KANRegressor` (``kan_regression.py``): density regression x -> P(x), in pykan's
  stages (train, prune, refine, retrain, symbolic; the last in ``kan_symbolic.py``).
* :class:`KANDensityEstimator` (``kan_density.py``): density estimation from samples alone,
  an exp(KAN) normalized numerically on the domain, by maximum likelihood.
* :class:`KAMixtureKAN` (``ka_mixture.py``): the [D, K, 1] KAN shaped like a GGMM, whose
  learned edges are read back as centers, scales and shapes.

All pykan calls go through ``_pykan.py`` (the boundary around its side effects); shared
bookkeeping (scaling, edge order, parameter counts, the staged trainer) is in
``_kan_core.py``.
"""

from .ka_mixture import KAMixtureKAN
from .kan_density import KANDensityEstimator
from .kan_regression import DEFAULT_SYMBOLIC_LIB, KANRegressor

__all__ = ["DEFAULT_SYMBOLIC_LIB", "KAMixtureKAN", "KANDensityEstimator", "KANRegressor"]
