"""The export documents under ``report/data/`` described as typed models (pydantic).

One model per document type (``schema`` field): :data:`EXPORT_MODELS`. A model states every
field the readers rely on, its type (strict: no coercion, booleans are not numbers, numbers
are finite) and the relations between fields (``lo <= mean <= hi``, a chosen setting among
the candidates, a cell refused exactly when a limit stopped it). Fields a model does not
name are kept as they are. :func:`ggmm_build.documents.exports.validate_export` validates
through these models; :func:`json_schemas` gives their JSON Schemas
(``python -m ggmm_build.documents.models OUT_DIR``, ``make schemas``).

Leaves that are formats of their own are checked by their owners: mixtures by
``GeneralizedGaussianMixture.from_dict``, packed arrays by :func:`ggmm.packing.unpack`,
snapshot files by :func:`ggmm.snapshots.validate_snapshots` (through their own models,
:mod:`ggmm.snapshot_model`).

Layouts (version 2)
-------------------
An *interval* is ``{mean, lo, hi, n}``: the mean over seeds and its 95% percentile
bootstrap interval (:func:`ggmm.stats.bootstrap_interval`). A *paired difference* is
the output of :func:`ggmm.stats.paired_difference` (``p_value`` included).

ggmm-presets
    ``presets``: list of {name, title {en, zh}, mixture (GeneralizedGaussianMixture.to_dict),
    bounds (D x 2), samples {x: packed (n, D), labels: [int]}, grid: {x, y, density packed (ny, nx)} or null}.
ggmm-comparison
    ``profile``, ``n_seeds``, ``seeds``, ``datasets`` [{name, title, dim, n_components}],
    ``methods`` [{name, family, label, normalized}], ``metrics``, ``summary`` [{dataset,
    method, family, n_params, rmse_test, rmse_grid: interval, nll, nll_gap: interval or
    null}], ``runs`` [{dataset, method, seed, rmse_test, rmse_grid, nll, nll_gap,
    nll_stderr, truth_nll (same test points), n_params, param_errors, param_errors_init
    (the KA-structured KAN's starting point read back, or null), best_steps, stages
    ({stage: {best_step, steps, limit, patience, reason ("patience" or "limit"), best_loss,
    optimizer}} for networks, else null), bandwidth}], ``comparisons`` [{dataset, name, a, b,
    metric, label, role ("primary" or "secondary"), **paired difference, family (its Holm family), p_adjusted,
    verdict_adjusted (the verdict at the adjusted p: the verdict or "tied"), borderline
    (the two verdicts differ)}], ``correction`` {method ("holm"), family ("all" or
    "comparison"), level, families [{name, role, comparisons, n_tests}]}, ``truth_nll``
    {dataset: interval}.
ggmm-tuning
    ``tuning_seeds``, ``n_validation``, ``candidates_budget``, ``scheme`` {name
    ("successive-halving"), rungs (budget fractions), keep, extensions}, ``entries`` [{dataset,
    method, score ("nll" or "rmse"), candidates [settings: the declared grid, then the
    extension's], scores [float, or null where a setting's fit failed or diverged] (each at
    the last rung it reached), rung [int] (that rung), rungs, chosen, axes {name: {values,
    status ("inside", "bound" or "limit")}}, n_extended, failed [{candidate, error}]}].
ggmm-em-history, ggmm-recovered, ggmm-original
    See :mod:`ggmm_build.documents.recovery`.
ggmm-scaling, ggmm-timings
    See :mod:`ggmm_build.documents.scaling`.
ggmm-manifest
    ``profile``, ``plan`` (hash of every job entry and of the code), ``code`` (hash of the
    sources of the modules the jobs and the exporter run; older exports carry a hand-bumped
    ``code_version`` instead), ``n_jobs``, ``files`` (the exports written with it),
    ``versions`` (package versions).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from ggmm.packing import unpack

from .parts import (
    Bilingual,
    Count,
    Document,
    Interval,
    MethodEntry,
    Mixture,
    Model,
    NonNegative,
    Packed,
    Paired,
    Positive,
    RmseInterval,
    Tuned,
    Verdict,
    _dim,
    _expect_shape,
    _present,
)
from .recovery import EmHistory, Original, Recovered
from .scaling import Scaling, Timings

__all__ = ["EXPORT_MODELS", "EXPORT_VERSION", "Document", "json_schemas"]

EXPORT_VERSION = 2


# ---------------------------------------------------------------------------
# ggmm-presets
# ---------------------------------------------------------------------------


class PresetSamples(Model):
    x: Packed
    labels: list[int]


class PresetGrid(Model):
    x: list[float]
    y: list[float]
    density: Packed


class Preset(Model):
    name: str
    title: Bilingual
    mixture: Mixture
    bounds: list[list[float]]
    samples: PresetSamples
    grid: PresetGrid | None

    @model_validator(mode="after")
    def _shapes(self) -> Preset:
        dim = _dim(self.mixture)
        if len(self.bounds) != dim or any(len(b) != 2 for b in self.bounds):
            raise ValueError(f"bounds: expected shape ({dim}, 2)")
        _expect_shape(self.samples.x, (None, dim), "samples.x")
        rows = self.samples.x["shape"][0]
        if len(self.samples.labels) != rows:
            raise ValueError(f"samples: x has {rows} rows and a different number of labels")
        if self.grid is not None:
            _expect_shape(self.grid.density, (len(self.grid.y), len(self.grid.x)), "grid.density")
            density = unpack(self.grid.density)
            if density.size and density.min() < 0:
                raise ValueError(f"grid.density.data: expected values >= 0, got minimum {float(density.min())}")
        return self


class Presets(Document):
    schema_: Literal["ggmm-presets"] = Field(alias="schema")
    presets: list[Preset]


# ---------------------------------------------------------------------------
# ggmm-comparison
# ---------------------------------------------------------------------------


class ComparisonDataset(Model):
    name: str
    title: Bilingual
    dim: int
    n_components: int


class SummaryRow(Model):
    dataset: str
    method: str
    n_params: int
    rmse_test: RmseInterval
    rmse_grid: RmseInterval
    nll: Interval | None
    nll_gap: Interval | None
    #: Attached from ``timings.json`` by ``load_export``; absent in the file itself.
    seconds: Interval | None = None


class Run(Model):
    seed: int
    rmse_test: NonNegative
    rmse_grid: NonNegative
    nll: float | None
    nll_gap: float | None
    nll_stderr: float | None
    param_errors: dict[str, Any] | None


class PairedComparison(Paired):
    """A pre-declared comparison: the paired difference, then Holm's adjustment within its family."""

    dataset: str
    a: str
    b: str
    metric: str
    label: Bilingual
    p_value: NonNegative
    p_adjusted: NonNegative
    role: Literal["primary", "secondary"]
    family: str
    verdict_adjusted: Verdict
    borderline: bool

    @model_validator(mode="after")
    def _adjusted(self) -> PairedComparison:
        if not self.p_value <= self.p_adjusted <= 1.0:
            raise ValueError(
                f"p_adjusted: expected p_value <= p_adjusted <= 1, got {self.p_value} and {self.p_adjusted}"
            )
        if self.verdict_adjusted not in (self.verdict, "tied"):
            raise ValueError(
                f"verdict_adjusted: an adjustment can only keep the verdict {self.verdict!r} or make "
                f"it 'tied', got {self.verdict_adjusted!r}"
            )
        if self.borderline != (self.verdict_adjusted != self.verdict):
            raise ValueError("borderline: should be true exactly when verdict and verdict_adjusted differ")
        return self


class CorrectionFamily(Model):
    name: str
    n_tests: int


class Correction(Model):
    method: Literal["holm"]
    families: list[CorrectionFamily]


class Comparison(Document):
    schema_: Literal["ggmm-comparison"] = Field(alias="schema")
    profile: str
    n_seeds: Positive
    datasets: list[ComparisonDataset]
    methods: list[MethodEntry]
    summary: list[SummaryRow]
    runs: list[Run]
    comparisons: list[PairedComparison]
    correction: Correction
    truth_nll: dict[str, Interval]

    @model_validator(mode="after")
    def _references(self) -> Comparison:
        datasets = sorted(d.name for d in self.datasets)
        methods = sorted(m.name for m in self.methods)
        for where, named in (
            ("summary", [r.dataset for r in self.summary]),
            ("comparisons", [r.dataset for r in self.comparisons]),
        ):
            for i, dataset in enumerate(named):
                if dataset not in datasets:
                    raise ValueError(f"{where}[{i}].dataset: must be one of {', '.join(datasets)}, got {dataset!r}")
        for i, row in enumerate(self.summary):
            if row.method not in methods:
                raise ValueError(f"summary[{i}].method: must be one of {', '.join(methods)}, got {row.method!r}")
        for i, x in enumerate(self.comparisons):
            for side in (x.a, x.b):
                if side not in methods:
                    raise ValueError(f"comparisons[{i}]: method {side!r} is not one of {', '.join(methods)}")
        for family in self.correction.families:
            counted = sum(x.family == family.name for x in self.comparisons)
            if counted != family.n_tests:
                raise ValueError(
                    f"correction.families: family {family.name!r} declares {family.n_tests} tests, "
                    f"the comparisons hold {counted}"
                )
        missing = [name for name in datasets if name not in self.truth_nll]
        if missing:
            raise ValueError(f"truth_nll.{missing[0]}: missing")
        return self


# ---------------------------------------------------------------------------
# ggmm-tuning
# ---------------------------------------------------------------------------


class TuningEntry(Tuned):
    dataset: str
    score: Literal["nll", "rmse"]
    #: How many of the candidates come from extending a grid whose choice sat on its edge.
    n_extended: Count


class Tuning(Document):
    schema_: Literal["ggmm-tuning"] = Field(alias="schema")
    tuning_seeds: list[Count]
    candidates_budget: Positive
    entries: list[TuningEntry]

    @model_validator(mode="after")
    def _budget(self) -> Tuning:
        for i, e in enumerate(self.entries):
            declared = len(e.candidates) - e.n_extended
            if not 1 <= declared <= self.candidates_budget:
                raise ValueError(
                    f"entries[{i}].candidates: expected 1 to {self.candidates_budget} declared settings, got {declared}"
                )
        return self


# ---------------------------------------------------------------------------
# ggmm-manifest, ggmm-playground, ggmm-snapshots
# ---------------------------------------------------------------------------


def _relative(name: str) -> str:
    if name.startswith("/") or ".." in name:
        raise ValueError(f"expected a relative file name, got {name!r}")
    return name


class Manifest(Document):
    schema_: Literal["ggmm-manifest"] = Field(alias="schema")
    profile: str
    #: Hash of every job entry and of the code.
    plan: str
    #: Hash of the sources of the modules the jobs and the exporter run.
    code: str | None = None
    #: What older exports carry instead of ``code``: a hand-bumped version.
    code_version: int | None = None
    files: list[Annotated[str, AfterValidator(_relative)]]
    versions: dict[str, Any]

    @model_validator(mode="after")
    def _code(self) -> Manifest:
        _present(self, "code")
        if "code" not in self.model_fields_set and self.code_version is None:
            raise ValueError("code_version: missing (required without code)")
        return self


class PlaygroundResults(Model):
    train_loss: float
    validation_loss: float


class PlaygroundVariant(Model):
    hash: str
    results: PlaygroundResults


class PlaygroundExperiment(Model):
    id: str
    truth_nll: float
    variants: list[PlaygroundVariant]


class Playground(Document):
    """The KAN playground's guided experiments (``ggmm_build.pages.playground``)."""

    schema_: Literal["ggmm-playground"] = Field(alias="schema")
    code: str
    experiments: list[PlaygroundExperiment]


class Snapshots(Document):
    """A training-progress file: its layout is :mod:`ggmm.snapshots`' (``ggmm/schemas/snapshots.schema.json``)."""

    schema_: Literal["ggmm-snapshots"] = Field(alias="schema")

    @model_validator(mode="before")
    @classmethod
    def _snapshots(cls, data: Any) -> Any:
        from ggmm.snapshots import validate_snapshots

        validate_snapshots(data)
        return data


#: Document type (the ``schema`` field) -> its model.
EXPORT_MODELS: dict[str, type[Document]] = {
    "ggmm-presets": Presets,
    "ggmm-comparison": Comparison,
    "ggmm-tuning": Tuning,
    "ggmm-em-history": EmHistory,
    "ggmm-recovered": Recovered,
    "ggmm-original": Original,
    "ggmm-timings": Timings,
    "ggmm-scaling": Scaling,
    "ggmm-snapshots": Snapshots,
    "ggmm-manifest": Manifest,
    "ggmm-playground": Playground,
}


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every export model, by document type (snapshots: see ``ggmm/schemas``)."""
    return {
        name: model.model_json_schema(by_alias=True) for name, model in EXPORT_MODELS.items() if model is not Snapshots
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m ggmm_build.documents.models OUT_DIR``: write ``<schema>.schema.json`` per export."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("out", type=Path, help="folder to write the schemas to")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        (args.out / f"{name}.schema.json").write_text(json.dumps(schema, indent=1) + "\n", encoding="utf-8")
    print(f"{len(json_schemas())} schemas written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
