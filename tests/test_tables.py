import csv
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from kpi_fixtures import dataset, leads

from kpilib.data.dataset import Dataset
from kpilib.errors import ParameterError
from kpilib.kpis.acquisition import CAC_COLUMNS
from kpilib.kpis.forecast import FORECAST_COLUMNS
from kpilib.kpis.funnel import FUNNEL_COLUMNS
from kpilib.kpis.objectives import ATTAINMENT_COLUMNS
from kpilib.kpis.tables import TABLE_NAMES, compute_all, neutralise, write_tables
from kpilib.kpis.value import COHORT_VALUE_COLUMNS, PAYBACK_COLUMNS

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
COLUMNS = {
    "attainment": ATTAINMENT_COLUMNS,
    "cac": CAC_COLUMNS,
    "funnel": ["source", *FUNNEL_COLUMNS],
    "cohort_value": COHORT_VALUE_COLUMNS,
    "payback": PAYBACK_COLUMNS,
    "forecast": FORECAST_COLUMNS,
}


def test_compute_all_tables():
    tables = compute_all(dataset(), period="2026-10", as_of="2026-10-15")
    assert list(tables) == list(TABLE_NAMES)
    for name, frame in tables.items():
        assert list(frame.columns) == COLUMNS[name], name
    # targets overlapping October: four of 2026-10 and the 2026-Q4 one
    assert tables["attainment"]["period"].tolist() == ["2026-10"] * 4 + ["2026-Q4"]
    # blended row first, channel empty: 2300 / 2 (C2, C3 by 10-15)
    cac = tables["cac"]
    assert cac["channel"].isna().tolist() == [True, False, False]
    assert cac["cac"].tolist()[:2] == [1150.0, 950.0]
    # funnel: all sources first (source empty), then one block per source
    funnel = tables["funnel"]
    assert funnel["source"].isna().sum() == 4
    assert funnel["source"].dropna().unique().tolist() == ["ads", "events", "referral"]
    # October leads by 10-15: L3-L7 = 5
    assert funnel["reached"].tolist()[0] == 5


def test_missing_tables_give_empty_frames():
    tables = compute_all(Dataset(leads=leads()), period="2026-10")
    for name in ("attainment", "cac", "cohort_value", "payback"):
        assert len(tables[name]) == 0
        assert list(tables[name].columns) == COLUMNS[name]
    assert len(tables["funnel"]) == 16  # 4 stages for all, ads, events, referral


def test_neutralise():
    frame = pd.DataFrame(
        {
            "source": pd.Series(["=1+2", "+cmd", "-x", "@SUM(A1)", "web", None], dtype="str"),
            "cost": [-1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    out = neutralise(frame)
    assert out["source"].tolist()[:5] == ["'=1+2", "'+cmd", "'-x", "'@SUM(A1)", "web"]
    assert pd.isna(out["source"].tolist()[5])
    assert out["cost"].tolist() == frame["cost"].tolist()
    # the input is untouched
    assert frame["source"].tolist()[0] == "=1+2"


def _hostile() -> Dataset:
    ds = dataset()
    ds.leads = ds.leads.assign(source=ds.leads["source"].replace({"ads": '=HYPERLINK("http://x")'}))
    return ds


def test_write_csv(tmp_path):
    paths = write_tables(_hostile(), period="2026-10", as_of="2026-10-15", out=tmp_path / "t")
    assert [p.name for p in paths] == [f"{n}.csv" for n in TABLE_NAMES]
    with open(paths[1], newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == CAC_COLUMNS
    # blended row: empty channel; the hostile channel is neutralised
    assert rows[1][:2] == ["2026-10", ""]
    assert rows[2][1] == '\'=HYPERLINK("http://x")'


def test_write_xlsx(tmp_path):
    paths = write_tables(_hostile(), period="2026-10", as_of="2026-10-15", out=tmp_path, fmt="xlsx")
    assert [p.name for p in paths] == [f"{n}.xlsx" for n in TABLE_NAMES]
    sheet = openpyxl.load_workbook(paths[2]).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    hostile = [c for c in cells if "HYPERLINK" in c.value]
    assert hostile and all(c.data_type == "s" and c.value.startswith("'") for c in hostile)


def test_bad_format(tmp_path):
    with pytest.raises(ParameterError) as err:
        write_tables(dataset(), period="2026-10", out=tmp_path, fmt="json")
    assert str(err.value) == "format 'json' is not supported; choose csv or xlsx."


@pytest.mark.skipif(not (SAMPLE / "leads.csv").exists(), reason="data/sample not there")
def test_sample_smoke():
    from kpilib.data.load import load_dataset

    ds = load_dataset(SAMPLE)
    start = time.perf_counter()
    tables = compute_all(ds, period="2026-10")
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0
    cac = tables["cac"]
    blended = cac[cac["channel"].isna()]
    assert len(blended) == 1
    # channel costs share all shared costs: they add up to the blended cost
    assert cac["cost"][cac["channel"].notna()].sum() == pytest.approx(blended["cost"].iloc[0])
    assert tables["funnel"]["stage"].tolist()[:4] == ["lead", "visit", "offer", "sale"]
    assert set(tables["attainment"]["period"]) == {"2026-10"}


def test_forecast_table_only_while_the_period_is_open():
    ds = dataset()
    open_ = compute_all(ds, period="2026-10", as_of="2026-10-15")["forecast"]
    # company then North and South, for sales, new customers and revenue
    assert open_["metric"].tolist() == [
        m for m in ("sales", "new_customers", "revenue") for _ in range(3)
    ]
    assert open_["team"].tolist()[1:3] == ["North", "South"]
    closed = compute_all(ds, period="2026-10", as_of="2026-10-31")["forecast"]
    assert len(closed) == 0
    assert list(closed.columns) == FORECAST_COLUMNS
