"""kpi.toml parsing."""

from __future__ import annotations

import pytest

from kpilib import DataError, Settings
from kpilib.data.settings import parse_settings


def test_defaults():
    s = parse_settings({})
    assert s == Settings()
    assert s.stage_columns == ["lead_at", "visit_at", "offer_at", "sale_at"]


def test_sections_and_language_from_locale():
    s = parse_settings(
        {
            "locale": "fr_FR",
            "funnel": {"stages": ["lead", "demo", "sale"], "conversion_window_days": 60},
            "value": {"payback_max_months": 18},
        }
    )
    assert (s.language, s.stages, s.conversion_window_days, s.payback_max_months) == (
        "fr",
        ("lead", "demo", "sale"),
        60,
        18,
    )


def test_cac_allocation_and_lag_default_to_new_customers_and_no_lag():
    s = parse_settings({"cac": {"allocation": "leads", "lag": 2}})
    assert (Settings().cac_allocation, Settings().cac_lag) == ("new_customers", 0)
    assert (s.cac_allocation, s.cac_lag, s.given) == (
        "leads",
        2,
        frozenset({"cac.allocation", "cac.lag"}),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"currency": "euro"},
            "kpi.toml: currency = 'euro' is invalid; expected a three-letter ISO 4217 code such as \"EUR\".",
        ),
        ({"language": "de"}, 'kpi.toml: language = \'de\' is invalid; expected "en" or "fr".'),
        ({"day_first": "yes"}, "kpi.toml: day_first = 'yes' is invalid; expected true or false."),
        (
            {"funnel": {"stages": ["visit", "sale"]}},
            "kpi.toml: funnel.stages = ['visit', 'sale'] is invalid; expected a list of 2 to 20 distinct lower-case names starting with \"lead\".",
        ),
        (
            {"funnel": {"conversion_window_days": 0}},
            "kpi.toml: funnel.conversion_window_days = 0 is invalid; expected a whole number of days "
            "from 1 to 3660 (ten years).",
        ),
        (
            {"status": {"on_track": 0.8, "at_risk": 0.9}},
            "kpi.toml: status.at_risk (0.9) is above status.on_track (0.8); at_risk must be the lower threshold.",
        ),
        (
            {"value": {"ltv_to_cac_min": -1}},
            "kpi.toml: value.ltv_to_cac_min = -1 is invalid; expected a number above 0, up to 100.",
        ),
        ({"company": ""}, "kpi.toml: company = '' is invalid; expected a non-empty text."),
        # every numeric setting is bounded: none reaches a date or a loop out of range
        (
            {"funnel": {"conversion_window_days": 10**18}},
            "kpi.toml: funnel.conversion_window_days = 1000000000000000000 is invalid; expected "
            "a whole number of days from 1 to 3660 (ten years).",
        ),
        (
            {"value": {"horizon_months": 1201}},
            "kpi.toml: value.horizon_months = 1201 is invalid; expected a whole number of months "
            "from 0 to 1200 (a hundred years).",
        ),
        (
            {"value": {"payback_max_months": -1}},
            "kpi.toml: value.payback_max_months = -1 is invalid; expected a whole number of "
            "months from 0 to 1200 (a hundred years).",
        ),
        (
            {"value": {"ltv_to_cac_min": float("inf")}},
            "kpi.toml: value.ltv_to_cac_min = inf is invalid; expected a number above 0, up to 100.",
        ),
        (
            {"gross_margin_rate": float("nan")},
            "kpi.toml: gross_margin_rate = nan is invalid; expected a number from 0 to 1 (0.35 for 35 %).",
        ),
        (
            {"value": {"discount_rate": 1.5}},
            "kpi.toml: value.discount_rate = 1.5 is invalid; expected a number from 0 to 1 (0.35 for 35 %).",
        ),
        (
            {"fiscal_year_start": 13},
            "kpi.toml: fiscal_year_start = 13 is invalid; expected a whole month number from 1 to 12.",
        ),
        (
            {"funnel": {"stages": ["lead"] + [f"s{i}" for i in range(20)]}},
            "kpi.toml: funnel.stages = "
            + repr(["lead"] + [f"s{i}" for i in range(20)])
            + ' is invalid; expected a list of 2 to 20 distinct lower-case names starting with "lead".',
        ),
        (
            {"cac": {"allocation": "revenue"}},
            "kpi.toml: cac.allocation = 'revenue' is invalid; expected \"new_customers\", "
            '"leads" or "none".',
        ),
        (
            {"cac": {"lag": 25}},
            "kpi.toml: cac.lag = 25 is invalid; expected a whole number of periods from 0 to 24.",
        ),
        (
            {"cac": {"lag": 1.5}},
            "kpi.toml: cac.lag = 1.5 is invalid; expected a whole number of periods from 0 to 24.",
        ),
        (
            {"cac": {"lags": 1}},
            "kpi.toml: unknown key 'cac.lags'. Accepted in [cac]: allocation, lag.",
        ),
        (
            {"locale": "French"},
            'kpi.toml: locale = \'French\' is invalid; expected a locale such as "fr_FR" or "en_GB".',
        ),
    ],
)
def test_bad_values(data, message):
    with pytest.raises(DataError) as err:
        parse_settings(data)
    assert str(err.value) == message


def test_every_bound_is_inclusive_so_a_valid_kpi_toml_is_never_refused():
    s = parse_settings(
        {
            "fiscal_year_start": 12,
            "gross_margin_rate": 1,
            "funnel": {"conversion_window_days": 3660},
            "status": {"on_track": 1.0, "at_risk": 0.0},
            "value": {
                "ltv_to_cac_min": 100,
                "payback_max_months": 1200,
                "horizon_months": 0,
                "discount_rate": 0,
            },
            "cac": {"allocation": "none", "lag": 24},
        }
    )
    assert (s.conversion_window_days, s.ltv_to_cac_min, s.payback_max_months) == (3660, 100, 1200)
    assert s.given == frozenset(
        {
            "fiscal_year_start",
            "gross_margin_rate",
            "funnel.conversion_window_days",
            "status.on_track",
            "status.at_risk",
            "value.ltv_to_cac_min",
            "value.payback_max_months",
            "value.horizon_months",
            "value.discount_rate",
            "cac.allocation",
            "cac.lag",
        }
    )
