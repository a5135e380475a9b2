"""Read and check the experiment config before anything is trained.

The config file (``build/experiments.toml``) is described by typed models (pydantic, strict
as the export documents in :mod:`ggmm_build.documents` are): :class:`ConfigFile` and its
sections. Every problem stops the build with a :class:`ConfigError` naming the file, the
field's path (``profiles.full.overrides.kan-small.lr``) and what is wrong.
:func:`load_config` resolves one profile into the plain records the pipeline uses
(:class:`Profile`, :class:`Method`, ...); :func:`config_schema` gives the file's JSON Schema
(``python -m ggmm_build.config OUT_DIR``, run by ``make schemas``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .config_file import ConfigFile, _join, _Problem, _resolved_methods
from .profile import DEFAULT_CONFIG, Comparison, Correction, Profile, Readback, ScalingCost, ScalingLaw


class ConfigError(ValueError):
    """A malformed experiment config."""


def _where(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if part != "[key]":  # pydantic's marker for a bad key of a table: the key itself follows or precedes
            path = _join(path, part)
    return path


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_KINDS = {
    "int_type": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "list_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "bool_type": "a boolean",
}


def _problem(error: ErrorDetails) -> tuple[str, str]:
    """A pydantic error as (path, problem), worded as the rest of the build words them."""
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    path = _where(error["loc"])
    if kind == "value_error" and isinstance(ctx.get("error"), _Problem):
        cause: _Problem = ctx["error"]
        return _join(path, cause.path) if cause.path else path, cause.problem
    if kind in _KINDS:
        got = "a boolean" if isinstance(value, bool) else f"{type(value).__name__} {_short(value)}"
        return path, f"expected {_KINDS[kind]}, got {got}"
    problems = {
        "missing": "missing",
        "extra_forbidden": "unknown key",
        "greater_than_equal": f"must be >= {ctx.get('ge')}, got {_short(value)}",
        "greater_than": f"must be > {ctx.get('gt')}, got {_short(value)}",
        "less_than_equal": f"must be <= {ctx.get('le')}, got {_short(value)}",
        "finite_number": f"must be finite, got {value}",
        "string_too_short": "is empty",
        "too_short": f"expected at least {ctx.get('min_length')} entries, got {_short(value)}",
        "too_long": f"expected at most {ctx.get('max_length')} entries, got {_short(value)}",
        "literal_error": f"must be one of {str(ctx.get('expected', '')).replace(chr(39), '').replace(' or ', ', ')}, "
        f"got {_short(value)}",
    }
    if kind in problems:
        return path, problems[kind]
    if kind == "value_error":
        return path, str(ctx.get("error", error["msg"]))
    return path, error["msg"]


def read_config(path: Path | str = DEFAULT_CONFIG) -> ConfigFile:
    """Read and validate the whole config file at ``path``.

    Raises
    ------
    ConfigError
        On any malformed entry, one line per problem, each naming the file and the field's path.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: the config file does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        return ConfigFile.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False):
            where, problem = _problem(error)
            lines.append(f"{path}: {where or '(file)'}: {problem}")
        raise ConfigError("\n".join(dict.fromkeys(lines))) from None


def load_config(profile: str, path: Path | str = DEFAULT_CONFIG) -> Profile:
    """Read ``path``, validate it and return ``profile`` with its methods resolved.

    Raises
    ------
    ConfigError
        On any malformed entry, naming the file, the field's path and the problem.
    """
    config = read_config(path)
    if profile not in config.profiles:
        raise ConfigError(f"{path}: profiles: no profile {profile!r}; known: {', '.join(config.profiles)}")
    return _profile(config, profile)


def _profile(config: ConfigFile, name: str) -> Profile:
    p = config.profiles[name]
    resolved = _resolved_methods(config, p)
    tuning = config.tuning
    readback = law = cost = None
    if p.readback is not None:
        r = p.readback
        readback = Readback([float(v) for v in r.p], list(r.seeds), r.n_train, r.n_test, r.method, list(r.grids))
    if p.scaling_law is not None:
        s = p.scaling_law
        law = ScalingLaw(s.dataset, s.kan, s.mlp, list(s.grids), list(s.mlp_widths), list(s.seeds), s.n_train, s.n_test)
    if p.scaling_cost is not None:
        c = p.scaling_cost
        cost = ScalingCost(
            list(c.methods),
            list(c.dims),
            c.dim_samples,
            c.sample_dim,
            list(c.sample_sizes),
            float(c.p),
            c.n_components,
            c.mixture_seed,
            list(c.seeds),
            c.n_test,
            {str(k): v for k, v in c.limits.items()},
        )
    comparisons = [Comparison(c.name, c.a, c.b, c.metric, c.label.model_dump(), c.role) for c in config.comparisons]
    return Profile(
        name=name,
        seeds=list(p.seeds),
        n_train=p.n_train,
        n_test=p.n_test,
        grid_resolution=p.grid_resolution,
        grid_resolution_3d=p.grid_resolution_3d,
        workers=p.workers,
        datasets=list(p.datasets),
        methods=list(p.methods),
        preset_samples=p.preset_samples,
        em_history=[(a, b) for a, b in p.em_history],
        recovered=list(p.recovered),
        training=[(a, b) for a, b in p.training],
        tuning_seeds=list(p.tuning_seeds),
        n_validation=p.n_validation,
        candidates=tuning.candidates,
        rungs=list(tuning.rungs),
        keep=float(tuning.keep),
        extensions=tuning.extensions,
        comparisons=[x for x in comparisons if x.a in p.methods and x.b in p.methods],
        readback=readback,
        original=(p.original[0], p.original[1]) if p.original is not None else None,
        method_table=resolved,
        scaling_law=law,
        scaling_cost=cost,
        correction=Correction(config.comparisons_correction.method, config.comparisons_correction.family),
    )


def config_schema() -> dict[str, Any]:
    """The JSON Schema of the experiment config file (:class:`ConfigFile`)."""
    schema = ConfigFile.model_json_schema()
    schema["title"] = "ggmm experiment config (build/experiments.toml)"
    return schema


def main(argv: list[str] | None = None) -> int:
    """``python -m ggmm_build.config OUT_DIR``: write ``ggmm-config.schema.json`` (the config file's JSON Schema)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("out", type=Path, help="folder to write the schema to")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "ggmm-config.schema.json"
    target.write_text(json.dumps(config_schema(), indent=1) + "\n", encoding="utf-8")
    print(f"config schema written to {target}", file=sys.stderr)
    return 0
