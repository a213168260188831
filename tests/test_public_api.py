"""The public face of kpilib: what ``dir()`` and tab completion offer."""

from __future__ import annotations

import subprocess
import sys

import pytest

import kpilib


def test_dir_lists_the_public_names_and_nothing_else():
    names = dir(kpilib)
    # the lazily loaded names are offered too; helpers of the module are not
    assert {"BetaGeo", "GammaGamma", "projected_payback", "rfm_summary", "build_report"} <= set(
        names
    )
    assert not {"Any", "annotations", "importlib"} & set(names)
    # and the layer packages, reachable as attributes
    packages = {"charts", "data", "engine", "importers", "kpis", "report", "sample", "sections"}
    assert names == sorted({*kpilib.__all__, *packages, "story", "__version__"})


def test_every_public_name_resolves():
    for name in kpilib.__all__:
        assert getattr(kpilib, name) is not None, name


def test_import_and_the_command_parser_load_no_frame_library():
    # `kpi --help` must start fast: kpilib and the parser (import/init included) import
    # neither pandas, polars, narwhals, pyarrow nor DuckDB; the first public name used does
    code = (
        "import sys, kpilib, kpilib.cli; kpilib.cli._parser(); "
        "heavy = ('pandas', 'polars', 'narwhals', 'pyarrow', 'duckdb', 'numpy'); "
        "print(sorted(m for m in heavy if m in sys.modules)); "
        "kpilib.Dataset; print('pandas' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == ["[]", "True"]


def test_layer_packages_resolve_as_attributes_and_unknown_names_fail():
    assert kpilib.kpis.__name__ == "kpilib.kpis"
    with pytest.raises(AttributeError) as err:
        kpilib.no_such_name  # noqa: B018
    assert str(err.value) == "module 'kpilib' has no attribute 'no_such_name'"
