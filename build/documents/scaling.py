"""The models of the scaling study's exports: ``ggmm-scaling`` and the timings (``ggmm-timings``),
whose ``scaling`` part ``load_export`` attaches to a scaling document (see :mod:`ggmm_build.documents.models`).

ggmm-scaling
    ``profile``; ``law`` (or null): {dataset, title, n_train, n_test, seeds, paper_alpha (k +
    1), kan, mlp (method names), families [{method, family, label, size_name ("grid" or
    "width"), sizes, fit (a *power-law fit* of test RMSE against parameter count),
    alpha {mean, lo, hi, n} (minus the slope), paper_position ("below", "inside", "above":
    where paper_alpha lies against alpha), summary [{size, n_params, rmse_test:
    interval}], fits, ran_to_cap (how many of the fits were still improving at their step
    limit; a lower bound for the KAN), ran_to_cap_by_size [{size, fits, ran_to_cap}],
    local_alpha [{from_size, to_size, from_x, to_x, mean, lo, hi, n, p_value, values}] (the
    exponent between consecutive sizes, paired over seeds), floor {size, n_params, rmse_test:
    interval, fits, ran_to_cap} or null (from the first size whose local exponent's interval
    reaches 0), fit_below_floor (a *power-law fit* up to the floor's size) or null,
    alpha_below_floor {mean, lo, hi, n} or null, paper_position_below_floor or null,
    curvature {quadratic, lo, hi, stderr, t, df, p_value, curved} or null (the quadratic
    term of log RMSE in log N_params)}], points [{method, family, seed, size, n_params,
    rmse_test, best_step, ran_to_cap}],
    paired_alpha (paired difference of the per-seed exponents, KAN - MLP) or null, tuning
    [tuning entries]}; ``cost`` (or null): {p, n_components, mixture_seed, dims,
    dim_samples, sample_dim, sample_sizes, seeds, n_test, limits {measure: int}, methods
    [{name, family, label, normalized}], mixtures [{dim, dataset, mixture}], points [{method,
    dim, n_train, seed, feasible, limit ({measure, amount, limit} or null), work, nll_gap,
    rmse_rel, n_params, n_steps}], cells [{method, dim, n_train, feasible, limit, n_params,
    nll_gap, rmse_rel: interval or null}], tuning [tuning entries]}. A *power-law fit* is
    the output of :func:`ggmm.power_law.power_law_fit`. :func:`load_export` attaches the
    ``scaling`` part of the ``timings.json`` beside it as ``timings``.
ggmm-timings
    ``summary`` [{dataset, method, seconds: interval}], ``symbolic`` [{dataset, method, seconds}],
    ``jobs`` [{kind, dataset, method, seed, seconds}], ``scaling`` {measure ("cpu_seconds"),
    law [{method, seed, seconds, cpu_seconds}], cost [{method, dim, n_train, seed, feasible,
    seconds, cpu_seconds}], fits [{method, sweep ("samples" or "dims"), fit (a power-law fit
    of CPU seconds) or null, reason}]} (absent in exports older than the scaling
    experiments). Wall times differ from run to run, so they live here and nowhere else:
    every other export is byte-identical between two cold builds. :func:`load_export`
    attaches them to a comparison or scaling document read from the same folder.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .parts import (
    Bilingual,
    Count,
    Document,
    Family,
    Interval,
    MethodEntry,
    Mixture,
    Model,
    NonNegative,
    Paired,
    Position,
    Positive,
    PowerLaw,
    RmseInterval,
    Tuned,
    WorkMeasure,
    _dim,
    _present,
)

__all__ = ["Scaling", "ScalingTimings", "Timings"]


# ---------------------------------------------------------------------------
# ggmm-timings
# ---------------------------------------------------------------------------


class LawTiming(Model):
    method: str
    seed: int
    seconds: NonNegative
    cpu_seconds: NonNegative


class CostTiming(LawTiming):
    dim: Positive
    n_train: Positive
    feasible: bool


class FitTiming(Model):
    method: str
    sweep: Literal["samples", "dims"]
    fit: PowerLaw | None
    #: Why there is no fit (required when ``fit`` is null).
    reason: str | None = None

    @model_validator(mode="after")
    def _reason(self) -> FitTiming:
        if self.fit is None and self.reason is None:
            raise ValueError("reason: missing (required when fit is null)")
        return self


class ScalingTimings(Model):
    measure: Literal["cpu_seconds"]
    law: list[LawTiming]
    cost: list[CostTiming]
    fits: list[FitTiming]


class SummaryTiming(Model):
    seconds: Interval


class SymbolicTiming(Model):
    seconds: float


class JobTiming(Model):
    seconds: NonNegative


class Timings(Document):
    schema_: Literal["ggmm-timings"] = Field(alias="schema")
    summary: list[SummaryTiming]
    symbolic: list[SymbolicTiming]
    jobs: list[JobTiming]
    #: Absent in exports older than the scaling experiments.
    scaling: ScalingTimings | None = None

    @model_validator(mode="after")
    def _scaling_present(self) -> Timings:
        _present(self, "scaling")
        return self


# ---------------------------------------------------------------------------
# ggmm-scaling
# ---------------------------------------------------------------------------


class ScalingTuningEntry(Tuned):
    score: Literal["nll", "log_rmse"]


class LawSummary(Model):
    size: int
    n_params: Positive
    rmse_test: RmseInterval


class LocalAlpha(Model):
    from_size: int
    to_size: int
    mean: float | None
    lo: float | None
    hi: float | None

    @model_validator(mode="after")
    def _ordered(self) -> LocalAlpha:
        if self.lo is not None and (self.mean is None or self.hi is None or not self.lo <= self.mean <= self.hi):
            raise ValueError(f"expected lo <= mean <= hi, got {self.lo}, {self.mean}, {self.hi}")
        return self


class Floor(Model):
    size: int
    rmse_test: RmseInterval


class Curvature(Model):
    quadratic: float
    lo: float
    hi: float
    t: float
    p_value: NonNegative
    curved: bool


class LawFamily(Model):
    method: str
    family: Family
    label: Bilingual
    size_name: Literal["grid", "width"]
    sizes: list[Positive]
    fit: PowerLaw
    alpha: Interval
    paper_position: Position
    fits: Positive
    ran_to_cap: Count
    summary: list[LawSummary]
    local_alpha: list[LocalAlpha]
    floor: Floor | None
    fit_below_floor: PowerLaw | None
    alpha_below_floor: Interval | None = None
    paper_position_below_floor: Position | None = None
    curvature: Curvature | None

    @model_validator(mode="after")
    def _shape(self) -> LawFamily:
        if self.ran_to_cap > self.fits:
            raise ValueError(f"ran_to_cap: expected at most fits = {self.fits}")
        if [s.size for s in self.summary] != self.sizes:
            raise ValueError("summary: expected one entry per size, in order")
        pairs = list(zip(self.sizes, self.sizes[1:], strict=False))
        if [(e.from_size, e.to_size) for e in self.local_alpha] != pairs:
            raise ValueError("local_alpha: expected one entry per pair of consecutive sizes, in order")
        if self.floor is not None and self.floor.size not in self.sizes:
            raise ValueError(f"floor.size: must be one of {', '.join(map(str, self.sizes))}, got {self.floor.size}")
        if self.fit_below_floor is not None:
            if self.floor is None:
                raise ValueError("fit_below_floor: a fit below the floor needs a floor")
            if self.alpha_below_floor is None:
                raise ValueError("alpha_below_floor: missing (required with a fit below the floor)")
            if self.paper_position_below_floor is None:
                raise ValueError("paper_position_below_floor: missing (required with a fit below the floor)")
        return self


class LawPoint(Model):
    method: str
    seed: int
    n_params: Positive
    rmse_test: NonNegative


class Law(Model):
    dataset: str
    title: Bilingual
    seeds: list[Count]
    paper_alpha: Positive
    families: list[LawFamily]
    points: list[LawPoint]
    paired_alpha: Paired | None
    tuning: list[ScalingTuningEntry]

    @model_validator(mode="after")
    def _points(self) -> Law:
        methods = sorted(f.method for f in self.families)
        for i, point in enumerate(self.points):
            if point.method not in methods:
                raise ValueError(f"points[{i}].method: must be one of {', '.join(methods)}, got {point.method!r}")
            if point.seed not in self.seeds:
                raise ValueError(
                    f"points[{i}].seed: must be one of {', '.join(map(str, self.seeds))}, got {point.seed!r}"
                )
        return self


class Limit(Model):
    """The amount of work that refused a cell, above its limit."""

    measure: WorkMeasure
    amount: Count
    limit: Positive

    @model_validator(mode="after")
    def _exceeds(self) -> Limit:
        if self.amount <= self.limit:
            raise ValueError(f"the amount {self.amount} does not exceed the limit")
        return self


class CostMethod(MethodEntry):
    normalized: bool


class CostMixture(Model):
    dim: int
    mixture: Mixture


class _CostCell(Model):
    method: str
    dim: int
    n_train: Positive
    feasible: bool
    limit: Limit | None

    @model_validator(mode="after")
    def _refused(self) -> _CostCell:
        if self.feasible == (self.limit is not None):
            raise ValueError("limit: a cell is either run (no limit) or refused by a limit")
        return self


class CostPoint(_CostCell):
    nll_gap: float | None
    rmse_rel: NonNegative | None

    @model_validator(mode="after")
    def _ran(self) -> CostPoint:
        if self.feasible and self.rmse_rel is None:
            raise ValueError("rmse_rel: missing for a cell that ran")
        return self


class CostCell(_CostCell):
    nll_gap: Interval | None
    rmse_rel: Interval | None


class Cost(Model):
    dims: list[Positive]
    sample_sizes: list[Positive]
    seeds: list[Count]
    p: NonNegative
    limits: dict[WorkMeasure, Positive]
    methods: list[CostMethod]
    mixtures: list[CostMixture]
    points: list[CostPoint]
    cells: list[CostCell]
    tuning: list[ScalingTuningEntry]

    @model_validator(mode="after")
    def _references(self) -> Cost:
        dims = ", ".join(map(str, self.dims))
        for i, m in enumerate(self.mixtures):
            if m.dim not in self.dims:
                raise ValueError(f"mixtures[{i}].dim: must be one of {dims}, got {m.dim}")
            if _dim(m.mixture) != m.dim:
                raise ValueError(f"mixtures[{i}].mixture: its dimension differs from dim")
        methods = sorted(m.name for m in self.methods)
        for part in ("points", "cells"):
            for i, cell in enumerate(getattr(self, part)):
                if cell.method not in methods:
                    raise ValueError(f"{part}[{i}].method: must be one of {', '.join(methods)}, got {cell.method!r}")
                if cell.dim not in self.dims:
                    raise ValueError(f"{part}[{i}].dim: must be one of {dims}, got {cell.dim}")
        if self.sample_sizes != sorted(set(self.sample_sizes)):
            raise ValueError("sample_sizes: expected increasing sizes")
        return self


class Scaling(Document):
    schema_: Literal["ggmm-scaling"] = Field(alias="schema")
    profile: str
    law: Law | None
    cost: Cost | None
    #: The ``scaling`` part of ``timings.json``, attached by ``load_export``; absent in the file itself.
    timings: ScalingTimings | None = None
