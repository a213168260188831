"""Calibration/holdout check of BG/NBD + Gamma-Gamma on the CDNOW sample.

Fit on weeks 1-39 (1997-01-01 to 1997-09-30), predict weeks 40-78 (1997-10-01 to
1998-06-30, 273 days = 39 weeks) and compare with what the 2,357 customers did.
Purchases are counted per customer-day, as in ``kpilib.rfm_summary``.

Run from the repository root::

    .venv/bin/python benchmarks/cdnow_holdout.py

It prints the tables quoted in docs/clv-models.md (markdown).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from kpilib.kpis.clv import BetaGeo, GammaGamma, rfm_summary

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "cdnow" / "CDNOW_sample.txt"
CALIBRATION_END = pd.Timestamp("1997-09-30")
HOLDOUT_END = pd.Timestamp("1998-06-30")
HOLDOUT_WEEKS = (HOLDOUT_END - CALIBRATION_END).days / 7  # 39.0


def load_orders() -> pd.DataFrame:
    raw = pd.read_csv(
        DATA,
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "revenue"],
        dtype={"master_id": str, "customer_id": str, "date": str},
    )
    return pd.DataFrame(
        {
            "customer_id": raw["customer_id"],
            "order_date": pd.to_datetime(raw["date"], format="%Y%m%d").astype("datetime64[us]"),
            "revenue": raw["revenue"].astype("float64"),
        }
    )


def holdout_actuals(orders: pd.DataFrame) -> pd.DataFrame:
    """Purchase days and their value per customer in the holdout weeks."""
    late = orders.loc[orders["order_date"] > CALIBRATION_END]
    days = late.groupby(["customer_id", "order_date"], as_index=False)["revenue"].sum()
    return days.groupby("customer_id").agg(
        actual_purchases=("order_date", "size"), actual_value=("revenue", "sum")
    )


def main() -> None:
    started = time.perf_counter()
    orders = load_orders()
    rfm = rfm_summary(orders, observation_end=CALIBRATION_END, time_unit="weeks", value="revenue")
    bg = BetaGeo().fit(rfm)
    gg = GammaGamma().fit(rfm.loc[rfm["frequency"] > 0])
    elapsed = time.perf_counter() - started

    table = (
        rfm.set_index("customer_id")
        .join(holdout_actuals(orders))
        .fillna({"actual_purchases": 0, "actual_value": 0.0})
    )
    table["predicted_purchases"] = bg.expected_purchases(table, HOLDOUT_WEEKS)
    table["predicted_value"] = table["predicted_purchases"] * gg.expected_average_margin(table)

    print(f"Fit on weeks 1-39 in {elapsed:.2f} s ({len(rfm)} customers)\n")
    print("| model | parameters | log-likelihood |\n|---|---|---|")
    print(
        "| BG/NBD | "
        + ", ".join(
            f"{k} = {v:.4f} (se {bg.standard_errors_[k]:.4f})" for k, v in bg.params_.items()
        )
        + f" | {bg.log_likelihood_:.2f} |"
    )
    print(
        "| Gamma-Gamma | "
        + ", ".join(
            f"{k} = {v:.4f} (se {gg.standard_errors_[k]:.4f})" for k, v in gg.params_.items()
        )
        + f" | {gg.log_likelihood_:.2f} |\n"
    )

    pred, act = table["predicted_purchases"].sum(), table["actual_purchases"].sum()
    pv, av = table["predicted_value"].sum(), table["actual_value"].sum()
    print("| weeks 40-78, all 2,357 customers | predicted | actual | error |\n|---|---|---|---|")
    print(f"| purchases | {pred:,.1f} | {act:,.0f} | {100 * (pred / act - 1):+.1f} % |")
    print(f"| value ($) | {pv:,.0f} | {av:,.0f} | {100 * (pv / av - 1):+.1f} % |\n")

    bucket = table["frequency"].clip(upper=7).astype(int).astype(str).replace("7", "7+")
    by = table.groupby(bucket).agg(
        customers=("frequency", "size"),
        predicted=("predicted_purchases", "mean"),
        actual=("actual_purchases", "mean"),
    )
    print(
        "| repeat purchases in weeks 1-39 | customers | predicted per customer, weeks 40-78 "
        "| actual per customer |\n|---|---|---|---|"
    )
    for key, row in by.iterrows():
        print(f"| {key} | {int(row.customers)} | {row.predicted:.3f} | {row.actual:.3f} |")

    # value per purchase: customers with repeat purchases in both periods
    both = table.loc[(table["frequency"] > 0) & (table["actual_purchases"] > 0)]
    mean_pred = float(gg.expected_average_margin(both).mean())
    mean_act = float((both["actual_value"] / both["actual_purchases"]).mean())
    per_customer = np.abs(table["predicted_purchases"] - table["actual_purchases"])
    print(
        f"\nMean absolute error per customer: {per_customer.mean():.3f} purchases "
        f"(mean actual {table['actual_purchases'].mean():.3f})."
    )
    print(
        f"Value per purchase, {len(both)} customers who bought again in both periods: "
        f"predicted ${mean_pred:.2f}, actual ${mean_act:.2f} (means of per-customer values)."
    )


if __name__ == "__main__":
    main()
