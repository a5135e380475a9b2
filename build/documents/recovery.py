"""The models of the parameter-recovery exports: EM's iterations, the read-back, the original method
(the registry of every export is :mod:`ggmm_build.documents.models`).

ggmm-em-history
    ``runs`` [{dataset, init, seed, truth, samples packed (n, D), converged, warnings,
    iterations [{iter, log_likelihood, mixture}]}].
ggmm-recovered
    ``datasets`` [{dataset, seed, truth, em, kan (mixtures), weights_init, errors {em, kan},
    curves [{component, dim, x, learned, fitted, center, scale, p}], across_seeds {seeds,
    kan, em: {error: interval}, paired {error: paired difference}, p_signed, weights_moved},
    symbolic or null}], ``generated`` [{p, mixture_seed, n_train, truth, kan, em, errors
    {kan, em}, nll {kan, em, truth}}].
ggmm-original
    ``runs`` [{dataset, method, seed, n_train, n_test, params, min_density,
    negative_share, max_density_truth, sample_range, rmse_test, symbolic or null}].
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .parts import Document, Interval, Mixture, Model, NonNegative, Packed, Paired, _dim, _expect_shape

__all__ = ["EmHistory", "Original", "Recovered"]


class EmIteration(Model):
    log_likelihood: float
    mixture: Mixture


class EmRun(Model):
    dataset: str
    init: Literal["kmeans", "random"]
    truth: Mixture
    samples: Packed
    iterations: Annotated[list[EmIteration], Field(min_length=1)]

    @model_validator(mode="after")
    def _shape(self) -> EmRun:
        _expect_shape(self.samples, (None, _dim(self.truth)), "samples")
        return self


class EmHistory(Document):
    schema_: Literal["ggmm-em-history"] = Field(alias="schema")
    runs: list[EmRun]


class Curve(Model):
    x: list[float]
    learned: list[float]
    fitted: list[float]

    @model_validator(mode="after")
    def _lengths(self) -> Curve:
        for key in ("learned", "fitted"):
            if len(getattr(self, key)) != len(self.x):
                raise ValueError(f"{key}: expected {len(self.x)} entries, got {len(getattr(self, key))}")
        return self


class AcrossSeeds(Model):
    kan: dict[str, Interval]
    em: dict[str, Interval]
    paired: dict[str, Paired]


class EmKanErrors(Model):
    em: dict[str, Any]
    kan: dict[str, Any]


class RecoveredDataset(Model):
    dataset: str
    truth: Mixture
    em: Mixture
    kan: Mixture
    errors: EmKanErrors
    curves: list[Curve]
    across_seeds: AcrossSeeds
    symbolic: dict[str, Any] | None


class GeneratedErrors(Model):
    kan: dict[str, Any]


class Generated(Model):
    p: NonNegative
    truth: Mixture
    kan: Mixture
    em: Mixture
    errors: GeneratedErrors


class Recovered(Document):
    schema_: Literal["ggmm-recovered"] = Field(alias="schema")
    datasets: list[RecoveredDataset]
    generated: list[Generated]


class Symbolic(Model):
    formula_latex: str
    rmse: NonNegative
    rmse_constant: NonNegative
    rmse_spline: NonNegative


class OriginalRun(Model):
    min_density: float
    negative_share: float
    max_density_truth: float
    rmse_test: float
    symbolic: Symbolic | None


class Original(Document):
    schema_: Literal["ggmm-original"] = Field(alias="schema")
    runs: list[OriginalRun]
