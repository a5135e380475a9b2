"""The experiment config as the plain records the pipeline uses: one profile's methods, comparisons,
tuning scheme and experiments (:func:`ggmm_build.config.load_config` builds them from the file)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ggmm.estimators as estimators

DEFAULT_CONFIG = Path(__file__).with_name("experiments.toml")


FAMILIES = ("KAN", "MLP", "classical")


EM_INITS = ("kmeans", "random")


#: The metrics a comparison may be judged on.
METRICS = ("nll", "rmse_test", "rmse_grid")


#: A comparison's role: "primary" (a question the report answers) or "secondary" (another metric
#: read on a primary question, to qualify its answer); Holm families never mix the two.
ROLES = ("primary", "secondary")


#: How the comparisons are grouped into families for Holm's adjustment ([comparisons_correction]).
CORRECTION_FAMILIES = ("all", "comparison")


#: Constructor arguments the pipeline fills in from the dataset, never from the config.
DERIVED_PARAMS = ("n_components",)


#: The amounts of work a cost-study limit may bound (see ``BaseEstimator.fit_work``).
WORK_MEASURES = ("quadrature_nodes", "kernel_evaluations")


@dataclass(frozen=True)
class Method:
    """One estimator configuration; ``tune`` maps hyperparameters to their candidate values."""

    name: str
    estimator: str
    family: str
    label: dict[str, str]
    params: dict[str, Any]
    tune: dict[str, list[Any]] = field(default_factory=dict)

    def candidates(self) -> list[dict[str, Any]]:
        """Every setting of the tuned hyperparameters, in a stable order ([{}] when nothing is tuned)."""
        names = sorted(self.tune)
        return [dict(zip(names, values, strict=True)) for values in itertools.product(*(self.tune[n] for n in names))]

    @property
    def normalized(self) -> bool:
        """Whether the estimator gives a normalized density (``logpdf``)."""
        return bool(getattr(estimators, self.estimator).tags.normalized)


@dataclass(frozen=True)
class Comparison:
    """A pre-declared paired comparison of method ``a`` against method ``b`` on ``metric``."""

    name: str
    a: str
    b: str
    metric: str
    label: dict[str, str]
    role: str = "primary"


@dataclass(frozen=True)
class Correction:
    """Holm's adjustment over families of comparisons (``[comparisons_correction]``).

    ``family``: "all" puts every comparison of one role, on every dataset, in one family;
    "comparison" makes a family of each declared comparison across the datasets.
    """

    method: str = "holm"
    family: str = "all"


@dataclass(frozen=True)
class Readback:
    """Read-back of the KA-structured KAN on generated (non-preset) mixtures."""

    p: list[float]
    seeds: list[int]
    n_train: int
    n_test: int
    method: str
    grids: list[int]


@dataclass(frozen=True)
class ScalingLaw:
    """The KAN scaling law on the density-regression task: test RMSE against parameter count.

    The KAN method is fitted once per seed with grid extension over ``grids``; the MLP
    method once per width in ``mlp_widths`` (every hidden layer takes the width).
    """

    dataset: str
    kan: str
    mlp: str
    grids: list[int]
    mlp_widths: list[int]
    seeds: list[int]
    n_train: int
    n_test: int


@dataclass(frozen=True)
class ScalingCost:
    """Cost and accuracy against the dimension D (at ``dim_samples`` samples) and against the
    sample size N (at dimension ``sample_dim``), on mixtures from ``ggmm.generate.random_mixture``.

    ``limits`` bounds the work of a fit (a ``BaseEstimator.fit_work`` measure), checked
    before fitting: a fit beyond a limit is reported, not run.
    """

    methods: list[str]
    dims: list[int]
    dim_samples: int
    sample_dim: int
    sample_sizes: list[int]
    p: float
    n_components: int
    mixture_seed: int
    seeds: list[int]
    n_test: int
    limits: dict[str, int]

    def cells(self) -> list[tuple[int, int]]:
        """Every (D, N) fitted, without repeats: the dimension sweep, then the sample-size sweep."""
        cells = [(d, self.dim_samples) for d in self.dims]
        return cells + [(self.sample_dim, n) for n in self.sample_sizes if (self.sample_dim, n) not in cells]


@dataclass(frozen=True)
class Profile:
    """One profile of the config with its method parameters resolved."""

    name: str
    seeds: list[int]
    n_train: int
    n_test: int
    grid_resolution: int
    grid_resolution_3d: int
    workers: int
    datasets: list[str]
    methods: list[str]
    preset_samples: int
    em_history: list[tuple[str, str]]
    recovered: list[str]
    training: list[tuple[str, str]]
    tuning_seeds: list[int]
    n_validation: int
    candidates: int
    comparisons: list[Comparison]
    readback: Readback | None
    original: tuple[str, str] | None
    method_table: dict[str, Method] = field(repr=False)
    scaling_law: ScalingLaw | None = None
    scaling_cost: ScalingCost | None = None
    correction: Correction = field(default_factory=Correction)
    rungs: list[float] = field(default_factory=lambda: [1.0])
    keep: float = 1.0
    extensions: int = 0

    def method(self, name: str) -> Method:
        """The resolved configuration of the method called ``name``."""
        return self.method_table[name]
