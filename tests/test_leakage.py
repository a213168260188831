"""Lost value: the leads lost at each stage, valued at what a lead there was worth."""

from __future__ import annotations

import pandas as pd
import pytest

from kpilib.kpis.leakage import lost_value


def test_lost_value_without_amounts():
    fb = pd.DataFrame(
        {
            "source": ["ads", "ads", "web", "web"],
            "stage": ["lead", "sale", "lead", "sale"],
            "reached": [10, 2, 4, 0],
            "lost": [8, 0, 4, 0],
        }
    )
    leads = pd.DataFrame({"source": ["ads", "ads", "web"], "amount": [100.0, 300.0, None]})
    out = lost_value(fb, leads)
    # ads: 8 lost × 2/10 × 200 = 320; web never sold: no average deal, nothing valued
    assert out["lost_value"].tolist() == pytest.approx([320.0, 0.0, 0.0, 0.0])
    no_amount = lost_value(fb, leads.drop(columns=["amount"]))
    assert no_amount["lost_value"].tolist() == [0.0] * 4
