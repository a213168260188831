"""Backtest of the pipeline forecast: the tables of docs/forecast.md.

For each of the last 12 closed months of a dataset, the forecast is made from
the month's 15th with the data as it stood then
(:func:`kpilib.kpis.backtest.backtest_forecast`) and measured against the
close beside the run-rate projection (:func:`kpilib.kpis.backtest.backtest_summary`).

Run from the repository root::

    .venv/bin/python -m benchmarks.backtest_forecast data/sample
    .venv/bin/python -m benchmarks.backtest_forecast /tmp/gen-200k --name generated \\
        --doc docs/forecast.md

It prints the tables as markdown; with ``--doc`` it also replaces, in that file,
the text between ``<!-- backtest:NAME -->`` and ``<!-- /backtest:NAME -->``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd
import polars as pl

from kpilib.data.load import load_dataset
from kpilib.kpis.backtest import backtest_forecast, backtest_summary

__all__ = ["main", "markdown"]

_NAMES = {"sales": "sales", "new_customers": "new customers", "revenue": "revenue"}


def _pct(value: float) -> str:
    return "–" if value != value else f"{100 * value:.1f}%"


def markdown(backtest: pd.DataFrame, summary: pd.DataFrame) -> str:
    """The summary table (company and teams) and the company's month-by-month errors."""
    lines = [
        "| metric | level | cases | 80% range held the close | mean abs. error, forecast "
        "| mean abs. error, run rate | within 5%, forecast | within 5%, run rate |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for _, r in summary.iterrows():
        lines.append(
            f"| {_NAMES[r['metric']]} | {r['level']} | {r['cases']} | {_pct(r['coverage'])} | "
            f"{_pct(r['mape'])} | {_pct(r['mape_run_rate'])} | {_pct(r['within_5'])} | "
            f"{_pct(r['within_5_run_rate'])} |"
        )
    company = backtest[backtest["team"].isna()]
    lines += [
        "",
        "| month | metric | close | so far (15th) | forecast | 80% range | run rate |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for _, r in company.iterrows():
        lines.append(
            f"| {r['period']} | {_NAMES[r['metric']]} | {r['close']:,.0f} | "
            f"{r['actual_to_date']:,.0f} | {r['expected']:,.0f} | "
            f"{r['low']:,.0f}–{r['high']:,.0f} | {r['run_rate']:,.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="dataset folder")
    parser.add_argument("--name", default="sample", help="the doc's marker name")
    parser.add_argument("--doc", help="markdown file whose marked block is replaced")
    parser.add_argument("--day", type=int, default=15, help="day of the month forecast from")
    args = parser.parse_args(argv)
    ds = load_dataset(args.data)
    leads = ds.leads
    if isinstance(leads, pd.DataFrame):  # converted once, not by each of the 12 forecasts
        leads = pl.from_pandas(leads)
    s = ds.settings
    bt = backtest_forecast(
        leads, day=args.day, stages=s.stages, fiscal_year_start=s.fiscal_year_start
    )
    text = markdown(bt, backtest_summary(bt))
    print(text)
    if args.doc:
        path = Path(args.doc)
        start, end = f"<!-- backtest:{args.name} -->", f"<!-- /backtest:{args.name} -->"
        doc = path.read_text("utf-8")
        block = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        if not block.search(doc):
            raise SystemExit(f"{path}: no {start} ... {end} block to replace.")
        path.write_text(block.sub(lambda _: f"{start}\n{text}\n{end}", doc), "utf-8")


if __name__ == "__main__":
    main()
