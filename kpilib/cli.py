"""The ``kpi`` command.

Sub-commands: ``validate``, ``sample``, ``kpis``, ``report``, and (when the
importers are installed) ``import`` and ``init``. A data or parameter problem
prints its message and exits 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kpilib.errors import KpiError

__all__ = ["main"]

SAMPLE = "data/sample"


def _validate(args: argparse.Namespace) -> int:
    from kpilib.data.quick import quick_summary

    # provably clean data is summed up without pandas; anything else, the loader's word
    summary = quick_summary(args.dir)
    if summary is None:
        from kpilib.data.load import load_dataset

        summary = load_dataset(args.dir).summary()
    print(summary)
    print("valid")
    return 0


def _sample(args: argparse.Namespace) -> int:
    from kpilib.sample import write_sample

    for path in write_sample(args.out, seed=args.seed):
        print(path)
    return 0


def _kpis(args: argparse.Namespace) -> int:
    from kpilib.data.periods import check_coverage
    from kpilib.engine.scan import open_dataset
    from kpilib.kpis.tables import write_tables

    dataset = open_dataset(args.data, engine=args.engine)
    for warning in dataset.warnings:  # what the tables count otherwise than the file says
        print(f"warning: {warning}", file=sys.stderr)
    check_coverage(
        args.period,
        as_of=args.as_of,
        first=dataset.first_date,
        last=dataset.as_of,
        fiscal_year_start=dataset.settings.fiscal_year_start,
    )
    tables = args.tables.split(",") if args.tables else None
    for path in write_tables(
        dataset,
        period=args.period,
        as_of=args.as_of,
        out=Path(args.out),
        fmt=args.format,
        tables=tables,
    ):
        print(path)
    return 0


def _report(args: argparse.Namespace) -> int:
    import warnings

    from kpilib.report.build import ReportWarning, build_report

    if args.data is None:
        args.data = SAMPLE
        print(
            f"note: no --data given: using the sample dataset ({SAMPLE}), not your data.",
            file=sys.stderr,
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReportWarning)
        folder = build_report(
            period=args.period,
            data=Path(args.data),
            lang=args.lang,
            as_of=args.as_of,
            out=Path(args.out),
            progress=None,
            engine=args.engine,
        )
    for warning in caught:
        print(f"note: {warning.message}", file=sys.stderr)
    print(folder)
    return 0


def _engine_option(p: argparse.ArgumentParser) -> None:
    from kpilib.engine import ENGINES

    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="auto (default): polars under 2M leads and duckdb from there (else the other) "
        "when every table is a .parquet file and a pre-check finds nothing the loader "
        "refuses, else pandas; pandas loads and "
        "validates the dataset; polars, duckdb or spark compute on its Parquet files "
        "without loading them (docs/performance.md)",
    )


def _version() -> str:
    """kpilib's installed version, read without importing the library."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kpilib")
    except PackageNotFoundError:
        return "unknown (not installed)"


class _Version(argparse.Action):
    """``--version``: kpilib's version, read only when asked (reading a distribution's
    metadata takes 0.1 s, which every command paid when the parser was built)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(f"kpi (kpilib) {_version()}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi", description="Sales KPIs: validate, compute, report."
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check a dataset folder and print its summary")
    p.add_argument(
        "dir", help="dataset folder (leads.csv, targets.csv, costs.csv, orders.csv, kpi.toml)"
    )
    p.set_defaults(func=_validate)

    p = sub.add_parser("sample", help="write the synthetic sample dataset")
    p.add_argument("--out", required=True, help="folder to write into")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7, as data/sample/)")
    p.set_defaults(func=_sample)

    p = sub.add_parser("kpis", help="write the KPI tables of a period")
    p.add_argument("--data", required=True, help="dataset folder")
    p.add_argument("--period", required=True, help="month, YYYY-MM")
    p.add_argument(
        "--as-of", dest="as_of", default=None, help="YYYY-MM-DD; default: latest date in the data"
    )
    p.add_argument("--out", required=True, help="folder to write the tables into")
    p.add_argument(
        "--format",
        choices=["csv", "xlsx"],
        default="csv",
        help="csv: a file per table; xlsx: one workbook, kpis.xlsx, a formatted sheet per table",
    )
    p.add_argument(
        "--tables",
        default=None,
        metavar="NAME,...",
        help="only these tables, comma-separated (default: all: attainment, cac, funnel, "
        "cohort_value, payback, retention, coaching, sales_cycle, forecast)",
    )
    _engine_option(p)
    p.set_defaults(func=_kpis)

    p = sub.add_parser("report", help="build the monthly report (HTML and PDF)")
    p.add_argument(
        "--period", required=True, help='month, YYYY-MM, or "latest" (the month of the latest date)'
    )
    p.add_argument(
        "--data", default=None, help=f"dataset folder (default: the sample dataset, {SAMPLE})"
    )
    p.add_argument(
        "--lang", choices=["en", "fr"], default=None, help="default: kpi.toml's language"
    )
    p.add_argument(
        "--as-of", dest="as_of", default=None, help="YYYY-MM-DD; default: latest date in the data"
    )
    p.add_argument("--out", default="reports", help="output folder (default reports)")
    _engine_option(p)
    p.set_defaults(func=_report)

    try:
        from kpilib.importers.cli import register
    except ImportError:
        pass
    else:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``kpi`` with *argv* (default: the command line); return the exit code."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KpiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file the kit could not read or write, named by the system
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The ``kpi`` command: :func:`main`, then the process ends at once.

    Its output is flushed and its exit handlers run, but the interpreter does
    not free its objects one by one on the way out: after a report that took
    ~0.45 s (pandas, polars, Arrow, jupyter_client and nbconvert loaded), for
    nothing, since the process ends.
    """
    import atexit

    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            pass
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    run()
