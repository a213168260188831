"""Narrative of projected against observed customer value."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kpilib.story.blocks import Narrative, months_text
from kpilib.story.format import Formatter
from kpilib.story.phrases import phrase

__all__ = ["projected_value"]


def projected_value(
    result: pd.DataFrame | None,
    fmt: Formatter,
    *,
    cohort: str | None,
    young: str | None = None,
    as_of: Any = None,
    horizon_months: int = 36,
    discount_rate: float = 0.10,
    reason: str | None = None,
) -> Narrative:
    """Say which value is observed and which projected, for *cohort*.

    *result* is :func:`kpilib.projected_payback` output. *young* names a recent
    cohort whose projected payback is worth a sentence. With no *result*,
    says why: *reason* is a ``why.*`` phrase key such as ``"no_orders"``.
    """
    lang, out = fmt.lang, Narrative()
    if result is None or not len(result) or cohort not in set(result["cohort"]):
        why = phrase(f"why.{reason or 'few'}", lang)
        out.sentences.append(phrase("proj.none", lang, reason=why))
        return out
    row = result.set_index("cohort").loc[cohort]
    out.sentences.append(
        phrase(
            "proj.observed",
            lang,
            cohort=fmt.month(cohort),
            value=fmt.money(row["clv"]),
            months=months_text(row["months_observed"], fmt),
            ratio=fmt.ratio(row["ltv_to_cac"]),
        )
    )
    out.sentences.append(
        phrase(
            "proj.projected",
            lang,
            as_of=fmt.date(as_of),
            value=fmt.money(row["projected_clv"]),
            horizon=months_text(horizon_months, fmt),
            rate=fmt.percent(discount_rate),
            ratio=fmt.ratio(row["projected_ltv_to_cac"]),
        )
    )
    if young is not None and young in set(result["cohort"]):
        y = result.set_index("cohort").loc[young]
        if pd.isna(y["payback_months"]) and pd.notna(y["cac"]):
            if pd.notna(y["projected_payback_months"]):
                out.sentences.append(
                    phrase(
                        "proj.payback",
                        lang,
                        cohort=fmt.month(young),
                        months=months_text(y["projected_payback_months"], fmt),
                    )
                )
            else:
                out.sentences.append(
                    phrase(
                        "proj.never",
                        lang,
                        cohort=fmt.month(young),
                        horizon=months_text(horizon_months, fmt),
                    )
                )
    return out
