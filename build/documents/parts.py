"""The parts the export models share: strict base model, intervals, paired differences, power-law
fits, tuning outcomes, mixtures and packed arrays (see :mod:`ggmm_build.documents.models`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ggmm.distribution import GeneralizedGaussianMixture
from ggmm.packing import PACKED_DTYPES, unpack


class Model(BaseModel):
    """A part of a document: strict types, finite numbers, unnamed fields kept."""

    model_config = ConfigDict(strict=True, extra="allow", allow_inf_nan=False)


NonNegative = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]
Family = Literal["KAN", "MLP", "classical"]
Verdict = Literal["better", "worse", "tied"]
Position = Literal["below", "inside", "above"]
WorkMeasure = Literal["quadrature_nodes", "kernel_evaluations"]


def _mixture(value: dict[str, Any]) -> dict[str, Any]:
    try:
        GeneralizedGaussianMixture.from_dict(value)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a valid mixture: {exc}") from None
    return value


def _packed(value: dict[str, Any]) -> dict[str, Any]:
    for key in ("dtype", "shape", "data"):
        if key not in value:
            raise ValueError(f"{key}: missing")
    if value["dtype"] not in PACKED_DTYPES:
        raise ValueError(f"dtype: expected one of {list(PACKED_DTYPES)}, got {value['dtype']!r}")
    shape = value["shape"]
    if not isinstance(shape, list) or any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in shape):
        raise ValueError(f"shape: expected an array of integers >= 0, got {shape!r}")
    try:
        array = unpack(value)
    except ValueError as exc:
        raise ValueError(f"data: {exc}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError("data: holds NaN or inf")
    return value


#: A mixture stored with ``GeneralizedGaussianMixture.to_dict``.
Mixture = Annotated[dict[str, Any], AfterValidator(_mixture)]
#: A packed array (:mod:`ggmm.packing`); its expected shape is checked by the model holding it.
Packed = Annotated[dict[str, Any], AfterValidator(_packed)]


def _dim(mixture: dict[str, Any]) -> int:
    return GeneralizedGaussianMixture.from_dict(mixture).n_features


def _expect_shape(packed: dict[str, Any], shape: tuple[int | None, ...], where: str) -> None:
    got = packed["shape"]
    if len(got) != len(shape) or any(w is not None and w != n for w, n in zip(shape, got, strict=False)):
        raise ValueError(f"{where}.shape: expected {[('*' if s is None else s) for s in shape]}, got {got}")


class Bilingual(Model):
    """A text in both languages, neither empty."""

    en: Annotated[str, Field(min_length=1)]
    zh: Annotated[str, Field(min_length=1)]


class Interval(Model):
    """A mean over seeds and its 95% bootstrap interval (:func:`ggmm.stats.bootstrap_interval`)."""

    mean: float
    lo: float
    hi: float
    n: Positive

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if not self.lo <= self.mean <= self.hi:
            raise ValueError(f"expected lo <= mean <= hi, got {self.lo}, {self.mean}, {self.hi}")
        return self


def _rmse(interval: Interval) -> Interval:
    if interval.lo < 0:
        raise ValueError("an RMSE interval cannot go below 0")
    return interval


#: An interval of a root-mean-square error: never below 0.
RmseInterval = Annotated[Interval, AfterValidator(_rmse)]


class Paired(Model):
    """A paired difference over seeds (:func:`ggmm.stats.paired_difference`)."""

    mean: float
    lo: float
    hi: float
    n: Annotated[int, Field(ge=2)]
    wins_a: Count
    wins_b: Count
    ties: Count
    verdict: Verdict

    @model_validator(mode="after")
    def _consistent(self) -> Paired:
        if not self.lo <= self.mean <= self.hi:
            raise ValueError(f"expected lo <= mean <= hi, got {self.lo}, {self.mean}, {self.hi}")
        if self.wins_a + self.wins_b + self.ties != self.n:
            raise ValueError(f"wins_a + wins_b + ties = {self.wins_a + self.wins_b + self.ties}, expected n = {self.n}")
        return self


class PowerLawGroup(Model):
    slope: float


class PowerLaw(Model):
    """A power-law fit (:func:`ggmm.power_law.power_law_fit`)."""

    slope: float
    lo: float
    hi: float
    stderr: NonNegative
    intercept: float
    df: Positive
    n_groups: Positive
    n: int
    x_min: NonNegative
    x_max: NonNegative
    groups: list[PowerLawGroup]

    @model_validator(mode="after")
    def _consistent(self) -> PowerLaw:
        if not self.lo <= self.slope <= self.hi:
            raise ValueError(f"expected lo <= slope <= hi, got {self.lo}, {self.slope}, {self.hi}")
        if self.n < self.n_groups + 2:
            raise ValueError(f"n must be >= n_groups + 2 = {self.n_groups + 2}, got {self.n}")
        if self.x_min > self.x_max:
            raise ValueError("expected x_min <= x_max")
        return self


class Axis(Model):
    """A tuned hyperparameter's values (declared grid, then extensions) and where the choice lies."""

    values: list[float]
    status: Literal["inside", "bound", "limit"]


class Tuned(Model):
    """Successive halving's outcome for one method: candidates, their scores, the choice."""

    method: str
    candidates: list[Any]
    #: One per candidate: its validation score at the last rung it reached, or null where the fit failed.
    scores: list[float | None]
    chosen: dict[str, Any]
    axes: dict[str, Axis]

    @model_validator(mode="after")
    def _consistent(self) -> Tuned:
        if len(self.scores) != len(self.candidates):
            raise ValueError(f"scores: expected {len(self.candidates)} scores, got {len(self.scores)}")
        if self.chosen not in self.candidates:
            raise ValueError("chosen: is not one of the candidates")
        return self


class MethodEntry(Model):
    name: str
    family: Family
    label: Bilingual


def _present(model: BaseModel, *keys: str) -> None:
    """Fields that may be absent (older exports) but never null when present."""
    for key in keys:
        if key in model.model_fields_set and getattr(model, key) is None:
            raise ValueError(f"{key}: expected an object, got None")


class Document(Model):
    """What every export holds: its ``schema`` and ``version``."""

    schema_: str = Field(alias="schema")
    version: int
