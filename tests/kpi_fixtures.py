"""Small literal datasets for the KPI tests, with the dtypes of a loaded Dataset.

The story (as_of defaults to 2026-10-21, L8's visit):

lead  lead_at     source    team   owner  visit  offer  sale         lost   customer amount
L1    2026-09-03  ads       North  Ann    09-05  09-10  09-20        -      C1       1000
L2    2026-09-10  events    South  Bob    09-12  -      -            09-30  -        -
L3    2026-10-01  ads       North  Ann    10-02  10-06  10-08        -      C2       2000
L4    2026-10-02  ads       North  Cid    -      10-07  10-14 16:30  -      C3        500  skipped visit
L5    2026-10-05  events    South  Bob    10-08  10-09  -            10-13  -        -
L6    2026-10-06  referral  South  Bob    -      -      -            -      -        -
L7    2026-10-07  ads       North  Ann    10-10  10-12  10-13        -      C1        700  repeat sale
L8    2026-10-20  events    North  Cid    10-21  -      -            -      -        -
"""

from __future__ import annotations

import duckdb
import pandas as pd
import polars as pl

from kpilib.data.dataset import Dataset


def _dates(values: list[str | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(values, format="ISO8601"), dtype="datetime64[us]")


def _text(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="str")


def leads() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": _text(["L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8"]),
            "lead_at": _dates(
                [
                    "2026-09-03",
                    "2026-09-10",
                    "2026-10-01",
                    "2026-10-02",
                    "2026-10-05",
                    "2026-10-06",
                    "2026-10-07",
                    "2026-10-20",
                ]
            ),
            "source": _text(["ads", "events", "ads", "ads", "events", "referral", "ads", "events"]),
            "team": _text(["North", "South", "North", "North", "South", "South", "North", "North"]),
            "owner": _text(["Ann", "Bob", "Ann", "Cid", "Bob", "Bob", "Ann", "Cid"]),
            "visit_at": _dates(
                [
                    "2026-09-05",
                    "2026-09-12",
                    "2026-10-02",
                    None,
                    "2026-10-08",
                    None,
                    "2026-10-10",
                    "2026-10-21",
                ]
            ),
            "offer_at": _dates(
                [
                    "2026-09-10",
                    None,
                    "2026-10-06",
                    "2026-10-07",
                    "2026-10-09",
                    None,
                    "2026-10-12",
                    None,
                ]
            ),
            "sale_at": _dates(
                [
                    "2026-09-20",
                    None,
                    "2026-10-08",
                    "2026-10-14 16:30",
                    None,
                    None,
                    "2026-10-13",
                    None,
                ]
            ),
            "lost_at": _dates([None, "2026-09-30", None, None, "2026-10-13", None, None, None]),
            "customer_id": _text(["C1", None, "C2", "C3", None, None, "C1", None]),
            "amount": pd.Series([1000.0, None, 2000.0, 500.0, None, None, 700.0, None]),
        }
    )


def targets() -> pd.DataFrame:
    rows = [
        ("2026-10", "sales", None, None, 5.0),
        ("2026-10", "leads", "South", None, 8.0),
        ("2026-10", "revenue", "North", "Ann", 6000.0),
        ("2026-10", "new_customers", None, None, 0.0),
        ("2026-09", "sales", None, None, 2.0),
        ("2026-Q4", "offers", None, None, 40.0),
        ("2026-11", "leads", None, None, 10.0),
    ]
    period, metric, team, owner, target = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "period": _text(list(period)),
            "metric": _text(list(metric)),
            "team": _text(list(team)),
            "owner": _text(list(owner)),
            "target": pd.Series(target, dtype="float64"),
        }
    )


def costs() -> pd.DataFrame:
    rows = [
        ("2026-09", "campaigns", "ads", 300.0),
        ("2026-09", "salaries", None, 1000.0),
        ("2026-10", "campaigns", "ads", 600.0),
        ("2026-10", "campaigns", "events", 400.0),
        ("2026-10", "salaries", None, 900.0),
        ("2026-10", "bonuses", None, 300.0),
        ("2026-10", "software", None, 100.0),
    ]
    period, category, channel, amount = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "period": _text(list(period)),
            "category": _text(list(category)),
            "channel": _text(list(channel)),
            "team": _text([None] * len(rows)),
            "amount": pd.Series(amount, dtype="float64"),
        }
    )


def orders() -> pd.DataFrame:
    rows = [
        ("O1", "C1", "2026-09-20", 1000.0, 400.0),
        ("O2", "C2", "2026-10-08", 2000.0, 800.0),
        ("O3", "C3", "2026-10-14", 500.0, 200.0),
        ("O4", "C1", "2026-10-13", 700.0, 280.0),
        ("O5", "C9", "2026-10-01", 2000.0, 999.0),
        ("O6", "C1", "2026-10-20", 1500.0, 700.0),
    ]
    oid, cid, date, revenue, margin = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "order_id": _text(list(oid)),
            "customer_id": _text(list(cid)),
            "order_date": _dates(list(date)),
            "revenue": pd.Series(revenue, dtype="float64"),
            "gross_margin": pd.Series(margin, dtype="float64"),
        }
    )


def dataset() -> Dataset:
    return Dataset(leads=leads(), targets=targets(), costs=costs(), orders=orders())


def to_engine(frame: pd.DataFrame, engine: str):
    """The frame as a pandas, polars or DuckDB table."""
    if engine == "pandas":
        return frame.copy()
    table = pl.from_pandas(frame)
    if engine == "polars":
        return table
    if engine == "polars-lazy":
        return table.lazy()
    return duckdb.from_arrow(table.to_arrow())


def to_pandas(result) -> pd.DataFrame:
    """Any engine's result as a pandas frame with canonical dtypes, for comparison."""
    if isinstance(result, pd.DataFrame):
        table = pl.from_pandas(result)
    elif isinstance(result, pl.LazyFrame):
        table = result.collect()
    elif isinstance(result, pl.DataFrame):
        table = result
    else:
        table = result.pl()
    return table.to_pandas()


def cohort_rows(
    month: str,
    source: str,
    leads: int,
    visits: int,
    sales: int,
    amount: float,
    offers: int | None = None,
) -> list[dict]:
    """*leads* leads of *source* from the 1st of *month*, one a day from the 1st to the
    20th, then again; the first *visits* visit 5 days later, the first *offers* (when
    given) get an offer after 7 days, the first *sales* buy for *amount* after 10 days."""
    rows = []
    for i in range(leads):
        at = pd.Timestamp(f"{month}-01") + pd.Timedelta(days=i % 20)
        rows.append(
            {
                "lead_at": at,
                "source": source,
                "visit_at": at + pd.Timedelta(days=5) if i < visits else None,
                **(
                    {}
                    if offers is None
                    else {"offer_at": at + pd.Timedelta(days=7) if i < offers else None}
                ),
                "sale_at": at + pd.Timedelta(days=10) if i < sales else None,
                "amount": amount if i < sales else None,
            }
        )
    return rows


def cohort_leads(*cohorts: list[dict]) -> pd.DataFrame:
    """The rows of :func:`cohort_rows` as a leads table with a loaded dataset's dtypes."""
    frame = pd.DataFrame([row for rows in cohorts for row in rows])
    frame.insert(0, "lead_id", [f"L{i:04d}" for i in range(len(frame))])
    for col in ("lead_at", "visit_at", "offer_at", "sale_at"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    frame["source"] = frame["source"].astype("str")
    frame["customer_id"] = pd.Series(
        [f"C{i}" if s else None for i, s in enumerate(frame["sale_at"].notna())], dtype="str"
    )
    frame["amount"] = frame["amount"].astype("float64")
    return frame


def sold_after(start: str, seconds: list[int]) -> pd.DataFrame:
    """Leads all created at *start*, each sold that many *seconds* later."""
    return pd.DataFrame(
        {
            "lead_at": pd.Series(pd.to_datetime([start] * len(seconds)), dtype="datetime64[us]"),
            "sale_at": pd.Series(
                pd.Timestamp(start) + pd.to_timedelta(seconds, unit="s"),
                dtype="datetime64[us]",
            ),
        }
    )
