"""Command line of the build pipeline: ``ggmm-build`` or ``python -m ggmm_build.cli``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import DEFAULT_CONFIG, ConfigError
from .executors import EXECUTORS, SCHEDULER_ENV, ExecutorError
from .pipeline import DEFAULT_CACHE_DIR, DEFAULT_DATA_DIR, run_pipeline


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ggmm-build",
        description=("Run the report's experiments (cached) and export the data the report pages read."),
    )
    p.add_argument("--profile", default="full", help="config profile: full (published) or quick (tests, CI)")
    p.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only jobs of this dataset, method, EM init or kind (repeatable)",
    )
    p.add_argument("--force", action="store_true", help="recompute the selected jobs even when cached")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="experiment config (TOML)")
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where the exports go")
    p.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR, help="where results are cached")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="parallel local processes (default: the profile's; the Dask executor ignores it)",
    )
    p.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="local",
        help="where jobs run: this machine's processes (default) or a Dask cluster; either way "
        "this process alone writes the cache and the exports",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help=f"the Dask scheduler for --executor dask, e.g. tcp://host:8786 (default: ${SCHEDULER_ENV})",
    )
    p.add_argument("--quiet", action="store_true", help="no progress display")
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.scheduler and args.executor != "dask":
        p.error("--scheduler is for --executor dask")
    try:
        run_pipeline(
            args.profile,
            data_dir=args.data_dir,
            cache_dir=args.cache_dir,
            config=args.config,
            only=args.only,
            force=args.force,
            quiet=args.quiet,
            workers=args.workers,
            executor=args.executor,
            scheduler=args.scheduler,
        )
    except ConfigError as exc:
        print(f"ggmm-build: {exc}", file=sys.stderr)
        return 2
    except ExecutorError as exc:
        print(f"ggmm-build: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ggmm-build: interrupted; finished jobs are cached and the next run resumes from them", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
