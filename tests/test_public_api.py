"""The public face of kpilib: what ``dir()`` and tab completion offer."""

from __future__ import annotations

import kpilib


def test_dir_lists_the_public_names_and_nothing_else():
    names = dir(kpilib)
    # the lazily loaded names are offered too; helpers of the module are not
    assert {"BetaGeo", "GammaGamma", "projected_payback", "rfm_summary", "build_report"} <= set(
        names
    )
    assert not {"Any", "annotations", "importlib"} & set(names)
    assert names == sorted({*kpilib.__all__, "__version__"})


def test_every_public_name_resolves():
    for name in kpilib.__all__:
        assert getattr(kpilib, name) is not None, name
