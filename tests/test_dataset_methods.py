"""The KPI methods of a dataset: the functions with its tables and settings filled in."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from kpi_fixtures import costs, leads, orders, targets, to_pandas

import kpilib
from kpilib.data.dataset import Dataset
from kpilib.data.load import load_dataset
from kpilib.data.methods import ConversionWindow
from kpilib.data.settings import Settings
from kpilib.engine.scan import scan_dataset
from kpilib.errors import DataError

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _reached(frame: pd.DataFrame) -> dict[str, int]:
    return dict(zip(frame["stage"], frame["reached"].astype(int), strict=True))


def test_a_configured_window_is_the_funnels():
    ds = Dataset(leads=leads(), settings=Settings(conversion_window_days=10))
    assert ds.conversion_window() == ConversionWindow(10, derived=False)
    out = ds.funnel(period="2026-10")
    # October's 6 leads; sales L7 after 6 days, L3 after 7, L4 after 12.7: the last
    # is past the 10-day window. As of 10-21 (L8's visit), L8 (10-20) is younger than
    # 10 days: the cohort is immature.
    assert _reached(out) == {"lead": 6, "visit": 5, "offer": 4, "sale": 2}
    assert out["immature"].all()
    pd.testing.assert_frame_equal(
        out, kpilib.funnel(leads(), period="2026-10", window_days=10, as_of="2026-10-21")
    )
    # the bare function follows every lead up to as_of, as documented: 3 sales
    assert _reached(kpilib.funnel(leads(), period="2026-10"))["sale"] == 3
    assert not kpilib.funnel(leads(), period="2026-10")["immature"].any()


def test_without_a_window_the_funnel_derives_one():
    ds = Dataset(leads=leads())
    # 90% of the sales (6, 7, 12.6875, 17 days) close within 15.7 days: 16
    assert ds.conversion_window() == ConversionWindow(16, derived=True)
    out = ds.funnel(period="2026-10")
    assert _reached(out) == {"lead": 6, "visit": 5, "offer": 4, "sale": 3}
    # leads of 10-06 or later are younger than 16 days on 10-21: immature
    assert out["immature"].all()
    # explicit options win over the dataset's: no window follows leads to as_of
    pd.testing.assert_frame_equal(
        ds.funnel(period="2026-10", window_days=None), kpilib.funnel(leads(), period="2026-10")
    )
    # as of 10-13 the derived window reads the sales seen then: 6, 7, 17 → 15
    assert ds.conversion_window(as_of="2026-10-13") == ConversionWindow(15, derived=True)


def test_funnel_trend_with_the_dataset_window():
    ds = Dataset(leads=leads(), settings=Settings(conversion_window_days=10))
    out = ds.funnel_trend(periods=2)
    # September: L1's sale came after 17 days, past the window: 0 of 2; October 2 of 6
    assert out[["cohort", "leads", "converted", "immature"]].values.tolist() == [
        ["2026-09", 2, 0, False],
        ["2026-10", 6, 2, True],
    ]
    by = ds.funnel_trend(periods=1, by="source")
    assert by[["source", "leads", "converted"]].values.tolist() == [
        ["ads", 3, 2],  # L3, L4, L7: L4 past the window
        ["events", 2, 0],
        ["referral", 1, 0],
    ]


def test_other_kpis_take_the_dataset_settings():
    s = Settings(on_track=0.9, at_risk=0.5, ltv_to_cac_min=2.0, payback_max_months=6)
    ds = Dataset(leads=leads(), targets=targets(), costs=costs(), orders=orders(), settings=s)
    day = "2026-10-21"
    pd.testing.assert_frame_equal(
        ds.attainment(period="2026-10"),
        kpilib.attainment(
            leads(), targets(), period="2026-10", as_of=day, on_track=0.9, at_risk=0.5
        ),
    )
    pd.testing.assert_frame_equal(
        ds.cac(period="2026-10"), kpilib.cac(leads(), costs(), period="2026-10", as_of=day)
    )
    pd.testing.assert_frame_equal(
        ds.cohort_value(by="channel"), kpilib.cohort_value(leads(), orders(), by="channel")
    )
    pd.testing.assert_frame_equal(
        ds.payback(),
        kpilib.payback(
            leads(), orders(), costs(), as_of=day, ltv_to_cac_min=2.0, payback_max_months=6
        ),
    )


def test_a_fiscal_year_reaches_the_funnel():
    # fiscal year from October: FY2027 starts 2026-10-01 and holds October's 6 leads
    ds = Dataset(leads=leads(), settings=Settings(fiscal_year_start=10))
    assert _reached(ds.funnel(period="FY2027"))["lead"] == 6


@pytest.mark.parametrize(
    ("call", "table", "what"),
    [
        (lambda ds: ds.attainment(period="2026-10"), "targets", "attainment"),
        (lambda ds: ds.cac(), "costs", "cac"),
        (lambda ds: ds.cohort_value(), "orders", "cohort_value"),
        (lambda ds: ds.payback(), "orders", "payback"),
    ],
)
def test_a_missing_table_is_named(call, table, what):
    with pytest.raises(DataError) as err:
        call(Dataset(leads=leads()))
    assert str(err.value) == (
        f"The dataset has no {table} table: {what} needs it. Add {table}.csv (or "
        f"{table}.parquet) to the dataset folder; docs/data-model.md lists its columns."
    )


def test_payback_without_costs_names_the_costs():
    with pytest.raises(DataError) as err:
        Dataset(leads=leads(), orders=orders()).payback()
    assert str(err.value) == (
        "The dataset has no costs table: payback needs it. Add costs.csv (or "
        "costs.parquet) to the dataset folder; docs/data-model.md lists its columns."
    )


def test_a_scanned_dataset_has_the_same_methods(tmp_path):
    for name, frame in {"leads": leads(), "costs": costs(), "orders": orders()}.items():
        frame.to_parquet(tmp_path / f"{name}.parquet")
    (tmp_path / "kpi.toml").write_text("[funnel]\nconversion_window_days = 10\n")
    loaded = Dataset(
        leads=leads(),
        costs=costs(),
        orders=orders(),
        settings=Settings(conversion_window_days=10),
    )
    for backend in ("polars", "duckdb"):
        ds = scan_dataset(tmp_path, backend=backend)
        assert ds.conversion_window() == ConversionWindow(10, derived=False)
        for method, options in [
            ("funnel", {"period": "2026-10"}),
            ("funnel_trend", {"periods": 2}),
            ("cac", {"period": "2026-10"}),
            ("payback", {}),
        ]:
            pd.testing.assert_frame_equal(
                to_pandas(getattr(ds, method)(**options)),
                to_pandas(getattr(loaded, method)(**options)),
                check_dtype=False,
            )
    (tmp_path / "kpi.toml").unlink()
    assert scan_dataset(tmp_path).conversion_window() == ConversionWindow(16, derived=True)


def test_sample_funnel_of_july_is_the_reports():
    ds = load_dataset(SAMPLE)
    # kpi.toml's 90-day window: 118 sales; the bare function follows every lead up to
    # the data's last day and counts 4 later sales too
    assert _reached(ds.funnel(period="2026-07"))["sale"] == 118
    assert _reached(kpilib.funnel(ds.leads, period="2026-07"))["sale"] == 122


def test_with_settings_tries_another_cac_setting_on_the_same_tables():
    ds = Dataset(leads=leads(), costs=costs())
    other = ds.with_settings(cac_allocation="none", cac_lag=1, conversion_window_days=None)
    assert other.leads is ds.leads and other.costs is ds.costs
    assert (other.settings.cac_allocation, other.settings.cac_lag) == ("none", 1)
    assert (ds.settings.cac_allocation, ds.settings.cac_lag) == ("new_customers", 0)
    pd.testing.assert_frame_equal(
        other.cac(), kpilib.cac(leads(), costs(), allocation="none", lag=1, as_of=ds.as_of)
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"cac_allocation": "revenue"},
            'cac_allocation = \'revenue\' is invalid; expected "new_customers", "leads" or '
            '"none" (kpi.toml: cac.allocation).',
        ),
        (
            {"cac_lag": 25},
            "cac_lag = 25 is invalid; expected a whole number of periods from 0 to 24 "
            "(kpi.toml: cac.lag).",
        ),
        (
            {"stages": ("lead", "sale")},
            "stages is read when the dataset is loaded; set it in kpi.toml and load the folder "
            "again.",
        ),
        (
            {"lag": 1},
            "lag is not a setting. Settings: at_risk, cac_allocation, cac_lag, company, "
            "conversion_window_days, currency, discount_rate, fiscal_year_start, horizon_months, "
            "language, ltv_to_cac_min, on_track, payback_max_months.",
        ),
        (
            {"at_risk": 0.99},
            "at_risk (0.99) is above on_track (0.95); at_risk must be the lower threshold.",
        ),
    ],
)
def test_with_settings_checks_each_change_as_kpi_toml_does(changes, message):
    from kpilib.errors import ParameterError

    with pytest.raises(ParameterError) as info:
        Dataset(leads=leads()).with_settings(**changes)
    assert str(info.value) == message
