"""The KPI functions as methods of a dataset, with its tables and settings filled in.

``ds.funnel(period="2026-07")`` is :func:`kpilib.funnel` on ``ds.leads`` with the
dataset's conversion window (configured in kpi.toml, else derived from the data
by :func:`kpilib.kpis.window.conversion_window`), stages and fiscal year: the
figure the report shows. :class:`~kpilib.data.dataset.Dataset` and the scanned
dataset share these methods; each returns what its function returns (pandas for
a loaded dataset, the engine's lazy frame for a scanned one).

The KPI functions are imported when a method is called: the data layer does not
depend on the KPI layer to load.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kpilib.data.periods import resolve_as_of
from kpilib.data.settings import Settings
from kpilib.errors import DataError

__all__ = ["ConversionWindow", "KpiMethods", "WINDOW_QUANTILE"]

WINDOW_QUANTILE = 0.9
"""Share of the sales a derived conversion window covers."""

FromDataset = Literal["dataset"]


@dataclass(frozen=True)
class ConversionWindow:
    """The conversion window the funnel follows leads for.

    ``days`` is None when kpi.toml sets none and no lead has reached a sale
    (every cohort is then followed up to as_of); ``derived`` says it was read
    from the data: ``quantile`` of the sales closed within ``days``.
    """

    days: int | None
    derived: bool
    quantile: float = WINDOW_QUANTILE


class KpiMethods:
    """KPI methods of a dataset: the functions with its tables and settings.

    Needs ``leads``, ``targets``, ``costs``, ``orders``, ``settings`` and an
    ``as_of`` property on the class that mixes it in.
    """

    leads: Any
    targets: Any
    costs: Any
    orders: Any
    settings: Settings

    def with_settings(self, **changes: Any) -> Any:
        """A copy of the dataset (same tables) whose settings have *changes*.

        ``ds.with_settings(cac_allocation="leads", cac_lag=1).cac()`` tries
        another setting without editing kpi.toml. Names are those of
        :class:`~kpilib.data.settings.Settings`; each value is checked as
        kpi.toml's key is, and None keeps the dataset's value (see
        :func:`~kpilib.data.settings.replace_settings`).
        """
        from dataclasses import replace

        from kpilib.data.settings import replace_settings

        return replace(self, settings=replace_settings(self.settings, **changes))  # type: ignore[type-var]

    def _day(self, as_of: Any) -> dt.datetime:
        """*as_of* as a day; default the dataset's latest date (as the report's)."""
        return resolve_as_of(as_of, self.as_of if as_of is None else None)  # type: ignore[attr-defined]

    def _table(self, name: str, what: str) -> Any:
        table = getattr(self, name)
        if table is None:
            raise DataError(
                f"The dataset has no {name} table: {what} needs it. Add {name}.csv (or "
                f"{name}.parquet) to the dataset folder; docs/data-model.md lists its columns."
            )
        return table

    def conversion_window(self, *, as_of: Any = None) -> ConversionWindow:
        """The conversion window: kpi.toml's ``conversion_window_days``, else derived.

        Derived, it is the days within which 90% of the sales seen by *as_of*
        closed (:func:`kpilib.kpis.window.conversion_window`); read once per
        day and kept.
        """
        configured = self.settings.conversion_window_days
        if configured is not None:
            return ConversionWindow(configured, derived=False)
        day = self._day(as_of)
        cache = self.__dict__.setdefault("_windows", {})
        key = (id(self.leads), day, self.settings.stages)
        if key not in cache:
            from kpilib.kpis.window import conversion_window

            days = conversion_window(
                self.leads, as_of=day, quantile=WINDOW_QUANTILE, stages=self.settings.stages
            )
            cache[key] = ConversionWindow(days, derived=days is not None)
        return cache[key]

    def _funnel_options(self, window_days: int | None | FromDataset, as_of: Any) -> dict[str, Any]:
        """as_of, window and stages of a funnel call ("dataset": the dataset's window)."""
        day = self._day(as_of)
        if window_days == "dataset":
            window_days = self.conversion_window(as_of=day).days
        return {"as_of": day, "window_days": window_days, "stages": self.settings.stages}

    def funnel(
        self,
        *,
        period: str | None = None,
        by: Literal["source", "team", "owner"] | None = None,
        as_of: Any = None,
        window_days: int | None | FromDataset = "dataset",
    ) -> Any:
        """:func:`kpilib.funnel` of the dataset's leads with its window, stages and fiscal year.

        *window_days* defaults to :meth:`conversion_window`; pass a number of
        days, or None to follow the leads up to as_of.
        """
        from kpilib.kpis.funnel import funnel

        return funnel(
            self.leads,
            period=period,
            by=by,
            fiscal_year_start=self.settings.fiscal_year_start,
            **self._funnel_options(window_days, as_of),
        )

    def funnel_trend(
        self,
        *,
        periods: int = 12,
        by: Literal["source", "team", "owner"] | None = None,
        as_of: Any = None,
        window_days: int | None | FromDataset = "dataset",
    ) -> Any:
        """:func:`kpilib.funnel_trend` of the dataset's leads with its window and stages."""
        from kpilib.kpis.funnel import funnel_trend

        return funnel_trend(
            self.leads, periods=periods, by=by, **self._funnel_options(window_days, as_of)
        )

    def attainment(self, *, period: str | None = None, as_of: Any = None) -> Any:
        """:func:`kpilib.attainment` of the dataset's leads and targets with its status
        thresholds, stages and fiscal year."""
        from kpilib.kpis.objectives import attainment

        s = self.settings
        return attainment(
            self.leads,
            self._table("targets", "attainment"),
            as_of=self._day(as_of),
            period=period,
            on_track=s.on_track,
            at_risk=s.at_risk,
            stages=s.stages,
            fiscal_year_start=s.fiscal_year_start,
        )

    def cac(
        self,
        *,
        period: str | None = None,
        as_of: Any = None,
        allocation: Literal["new_customers", "leads", "none"] | None = None,
        lag: int | None = None,
    ) -> Any:
        """:func:`kpilib.cac` of the dataset's leads and costs with its fiscal year and
        its CAC allocation and lag (kpi.toml's ``[cac]``, unless given here)."""
        from kpilib.kpis.acquisition import cac

        s = self.settings
        return cac(
            self.leads,
            self._table("costs", "cac"),
            as_of=self._day(as_of),
            period=period,
            allocation=s.cac_allocation if allocation is None else allocation,
            lag=s.cac_lag if lag is None else lag,
            fiscal_year_start=s.fiscal_year_start,
        )

    def cohort_value(self, *, as_of: Any = None, by: Literal["channel"] | None = None) -> Any:
        """:func:`kpilib.cohort_value` of the dataset's leads and orders (gross margin
        filled from the margin rate of kpi.toml when the dataset was opened)."""
        from kpilib.kpis.value import cohort_value

        return cohort_value(
            self.leads, self._table("orders", "cohort_value"), as_of=self._day(as_of), by=by
        )

    def payback(self, *, as_of: Any = None, by: Literal["channel"] | None = None) -> Any:
        """:func:`kpilib.payback` of the dataset's leads, orders and costs with its
        LTV:CAC and payback thresholds and its CAC allocation and lag (kpi.toml)."""
        from kpilib.kpis.value import payback

        s = self.settings
        return payback(
            self.leads,
            self._table("orders", "payback"),
            self._table("costs", "payback"),
            as_of=self._day(as_of),
            by=by,
            ltv_to_cac_min=s.ltv_to_cac_min,
            payback_max_months=s.payback_max_months,
            allocation=s.cac_allocation,  # type: ignore[arg-type]
            lag=s.cac_lag,
        )

    def retention(self, *, as_of: Any = None) -> Any:
        """:func:`kpilib.kpis.retention.retention` of the dataset's leads and orders."""
        from kpilib.kpis.retention import retention

        return retention(self.leads, self._table("orders", "retention"), as_of=self._day(as_of))

    def coaching(
        self,
        *,
        period: str | None = None,
        as_of: Any = None,
        window_days: int | None | FromDataset = "dataset",
        level: float = 0.9,
    ) -> Any:
        """:func:`kpilib.kpis.coaching.coaching` of the dataset's leads on the funnel's
        cohort: its conversion window, stages and fiscal year."""
        from kpilib.kpis.coaching import coaching

        return coaching(
            self.leads,
            period=period,
            level=level,
            fiscal_year_start=self.settings.fiscal_year_start,
            **self._funnel_options(window_days, as_of),
        )

    def sales_cycle(
        self,
        *,
        period: str | None = None,
        by: Literal["source", "team"] | None = None,
        months: int = 12,
        as_of: Any = None,
        window_days: int | None | FromDataset = "dataset",
    ) -> Any:
        """:func:`kpilib.kpis.cycle.sales_cycle` of the dataset's leads with its stages and
        conversion window (which marks the months the data starts too late for)."""
        from kpilib.kpis.cycle import sales_cycle

        return sales_cycle(
            self.leads,
            period=period,
            by=by,
            months=months,
            **self._funnel_options(window_days, as_of),
        )

    def sales_cycles(
        self,
        *,
        period: str | None = None,
        by: Sequence[Literal["source", "team"] | None] = (None,),
        months: int = 12,
        as_of: Any = None,
        window_days: int | None | FromDataset = "dataset",
    ) -> list[Any]:
        """:func:`kpilib.kpis.cycle.sales_cycles`: :meth:`sales_cycle` for each of *by*,
        the leads read once."""
        from kpilib.kpis.cycle import sales_cycles

        return sales_cycles(
            self.leads,
            period=period,
            by=by,
            months=months,
            **self._funnel_options(window_days, as_of),
        )

    def forecast(self, *, period: str, as_of: Any = None) -> Any:
        """:func:`kpilib.kpis.forecast.forecast` of the dataset's leads with its stages and
        fiscal year: the open period's close of sales, new customers and revenue."""
        from kpilib.kpis.forecast import forecast

        s = self.settings
        return forecast(
            self.leads,
            period=period,
            as_of=self._day(as_of),
            stages=s.stages,
            fiscal_year_start=s.fiscal_year_start,
        )
