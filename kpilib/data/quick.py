"""``kpi validate`` without pandas, for data that is provably clean.

:func:`kpilib.load_dataset` parses every cell into pandas and names every
problem; on a small CSV folder importing pandas alone takes longer than the
whole check, and on 10M leads in Parquet the frames take gigabytes.
:func:`quick_summary` reads the columns the loader reads with Arrow
(:func:`kpilib.data.quick_read.read_plain`) and asks, with one pass of Arrow's
kernels a column, whether anything at all is there that the loader would
refuse, warn about or read otherwise; when nothing is, it writes the
summary the loader's dataset would print
(:func:`kpilib.data.summary.summary_text`). When something is, or a file is
not read without doubt, it answers None and the caller loads the folder:
every message, warning and exit code is then the loader's own, word for
word. It never says why: its findings are no messages, only "ask the loader".

What sends a folder to the loader (a superset of what the loader reports:
the list :data:`kpilib.engine.refusals.REFUSALS` holds every message, and
``tests/test_data_quick.py`` holds a case of each against the loader):

- the folder: no folder, no leads file, a table given twice or not as a
  regular ``.csv`` or ``.parquet`` file, a kpi.toml the settings refuse;
- the columns: a required one missing, a leads column ending in ``_at`` that
  is no date column, no ``source``, a column name padded or repeated;
- any blank cell where the loader requires a value (``lead_id``, ``lead_at``,
  ``source`` in every row, a period, a metric, a target, a category, an
  amount, a revenue, an order's customer), a sale without a customer;
- texts: one the loader's strip would change (a space or control character at
  either end, a Unicode space, an empty text), a character of mojibake;
- numbers: NaN, infinite, 10^15 or more, negative where the loader refuses
  it, a target of 0; dates before 1900 or from 2200, a stage before the
  previous one; a period or metric the loader does not accept;
- duplicates: of a lead or order id, or of a target's period, metric, team
  and owner.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
from pyarrow._compute import JoinOptions, ReplaceSubstringOptions

from kpilib.data.files import table_files
from kpilib.data.kernels import (
    all_distinct,
    call,
    every,
    matches,
    outside_ascii,
    plain_ends,
    some,
)
from kpilib.data.quick_read import PlainTable, read_plain
from kpilib.data.schema import (
    MONTH_PATTERN,
    PERIOD_PATTERN,
    TABLE_NAMES,
    TABLES,
    metric_of,
    other_dates,
)
from kpilib.data.settings import Settings, load_settings
from kpilib.data.summary import summary_text
from kpilib.data.text import UNUSUAL_TEXT
from kpilib.errors import KpiError

__all__ = ["quick_summary"]

# the loader's date range, in microseconds from 1970 (read_plain's dates are microseconds)
_EPOCH, _MICROSECOND = dt.datetime(1970, 1, 1), dt.timedelta(microseconds=1)
_FIRST = (dt.datetime(1900, 1, 1) - _EPOCH) // _MICROSECOND
_LAST = (dt.datetime(2200, 1, 1) - _EPOCH) // _MICROSECOND
_LIMIT = 1e15
# the columns whose negative values the loader refuses
_NON_NEGATIVE = {"leads": "amount", "targets": "target", "costs": "amount", "orders": "revenue"}


def quick_summary(path: str | Path) -> str | None:
    """The summary ``kpi validate`` prints for the dataset folder *path*, when the folder
    is provably clean; None when the loader must decide.

    Parameters
    ----------
    path
        The dataset folder to check (CSV or Parquet tables, kpi.toml).

    Returns
    -------
    str or None
        The lines :meth:`kpilib.data.dataset.Dataset.summary` gives for
        ``load_dataset(path)``, byte for byte, computed without pandas; None when
        a table is not read without doubt or holds anything the loader would
        refuse, warn about or read otherwise (then call :func:`kpilib.load_dataset`).

    Examples
    --------
    >>> print(quick_summary("data/sample").splitlines()[1])
      leads       47,607 rows  (leads.csv)
    >>> quick_summary("no/such/folder") is None  # the loader says what is wrong
    True
    """
    folder = Path(path)
    files = _files(folder)
    if files is None:
        return None
    try:
        settings = load_settings(folder / "kpi.toml")
        tables = {}
        for table, file in files.items():
            plain = read_plain(file, table, settings)
            if plain is None or not _clean(table, plain, settings):
                return None
            tables[table] = plain
    except (KpiError, OSError, pa.ArrowException):  # the loader names the file and why
        return None
    return _summary(folder, tables, settings)


def _files(folder: Path) -> dict[str, Path] | None:
    """The file of each table in *folder*, when each is one regular file (leads given);
    None where the loader refuses the folder (a table given twice, no leads) or must
    name what is wrong with a file."""
    if not folder.is_dir():
        return None
    found = {}
    for table in TABLE_NAMES:
        given = table_files(folder, table)
        if len(given) > 1 or (given and not given[0].is_file()):
            return None
        if given:
            found[table] = given[0]
    return found if "leads" in found else None


def _clean(table: str, plain: PlainTable, settings: Settings) -> bool:
    """Whether the loader would take *plain* as it is: no refusal, warning or change."""
    names, spec = plain.names, TABLES[table]
    if any(c not in names for c in spec.required):
        return False
    if table == "costs" and "period" not in names and "date" not in names:
        return False
    for name, column in plain.columns.items():
        if name in spec.text:
            clean = _texts(column)
        elif name in spec.numbers:
            clean = _numbers(column, non_negative=_NON_NEGATIVE[table] == name)
        else:  # a date column (read_plain reads no other)
            plain.bounds[name] = bounds = _date_bounds(column)
            clean = bounds is None or (bounds[0] >= _FIRST and bounds[1] < _LAST)
        if not clean:
            return False
    return _TABLES[table](plain, settings)


def _texts(column: pa.ChunkedArray) -> bool:
    """No text the loader's strip would change or that looks garbled (a dictionary
    column: each distinct value once)."""
    if pa.types.is_dictionary(column.type):
        chunks = [c.dictionary for c in column.chunks]
    else:
        chunks = column.chunks
    return all(_texts_of(call("drop_null", c) if c.null_count else c) for c in chunks)


def _texts_of(values: pa.Array) -> bool:
    """:func:`_texts` of a chunk without nulls, read from its bytes (Arrow's offsets and
    data), which costs a fraction of taking each value's first and last character: no
    empty text, no byte up to the space at either end (an ASCII space or control
    character; a character outside ASCII starts and ends with bytes from 0x80), and, when
    a byte is outside ASCII, no mojibake or Unicode space at an end."""
    plain = plain_ends(values)  # an empty text is blank for the loader
    if plain is not None:
        return plain
    return not some(matches(outside_ascii(values), UNUSUAL_TEXT))


def _numbers(column: pa.ChunkedArray, *, non_negative: bool) -> bool:
    """No NaN (read as blank), infinite value, value of 10^15 or more, or refused
    negative value."""
    if pa.types.is_floating(column.type) and (
        some(call("is_nan", column)) or some(call("is_inf", column))
    ):
        return False
    bounds = call("min_max", column)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if low is None:
        return True
    return max(abs(low), abs(high)) < _LIMIT and not (non_negative and low < 0)


def _date_bounds(column: pa.ChunkedArray) -> tuple[int, int] | None:
    """The first and last date of *column* in microseconds from 1970 (compared as
    integers: a year past 9999 has no Python datetime); None when every cell is blank."""
    bounds = call("min_max", column)
    if not bounds["min"].is_valid:
        return None
    return bounds["min"].value, bounds["max"].value


def _filled(plain: PlainTable, *names: str) -> bool:
    return all(plain.columns[n].null_count == 0 for n in names)


def _leads(plain: PlainTable, settings: Settings) -> bool:
    cols = plain.columns
    if plain.rows == 0 or other_dates(plain.names, settings):
        return False
    if "lead_at" not in cols or "source" not in cols or cols["source"].null_count == plain.rows:
        return False
    if not _filled(plain, "lead_id", "lead_at") or not all_distinct(cols["lead_id"]):
        return False
    if "sale_at" in cols:
        unpaid = call("is_valid", cols["sale_at"])
        if "customer_id" in cols:
            unpaid = call("and", unpaid, call("is_null", cols["customer_id"]))
        if some(unpaid):
            return False
    stages = [c for c in settings.stage_columns if c in cols]
    pairs = zip(stages, stages[1:], strict=False)
    return not any(some(call("less", cols[later], cols[earlier])) for earlier, later in pairs)


def _targets(plain: PlainTable, settings: Settings) -> bool:
    cols = plain.columns
    metrics = {"new_customers", "revenue"} | {metric_of(s) for s in settings.stages}
    accepted = f"^(?:{'|'.join(re.escape(m) for m in sorted(metrics))})$"
    if not _filled(plain, "period", "metric", "target"):
        return False
    if not every(matches(cols["period"], PERIOD_PATTERN)):
        return False
    if not every(matches(cols["metric"], accepted)):
        return False
    if call("min", cols["target"]).as_py() == 0:  # none is negative: checked before
        return False
    # one text a key, blank as "\0" as the loader fills it (a separator inside a text
    # makes two keys alike: a false alarm, which only asks the loader)
    period = cols["period"]
    separator = call(
        "replace_substring_regex", period, options=ReplaceSubstringOptions("^.*$", "\x1f")
    )
    keys = [cols[c] for c in ("period", "metric", "team", "owner") if c in cols]
    keep_nulls = JoinOptions(null_handling="replace", null_replacement="\0")
    joined = call("binary_join_element_wise", *keys, separator, options=keep_nulls)
    return call("count_distinct", joined).as_py() == plain.rows


def _costs(plain: PlainTable, settings: Settings) -> bool:
    if not _filled(plain, "category", "amount"):
        return False
    if "period" not in plain.columns:
        return True
    period = plain.columns["period"]
    return _filled(plain, "period") and every(matches(period, MONTH_PATTERN))


def _orders(plain: PlainTable, settings: Settings) -> bool:
    return _filled(plain, "customer_id", "revenue") and all_distinct(plain.columns["order_id"])


_TABLES: dict[str, Callable[[PlainTable, Settings], bool]] = {
    "leads": _leads,
    "targets": _targets,
    "costs": _costs,
    "orders": _orders,
}


def _summary(folder: Path, tables: dict[str, PlainTable], settings: Settings) -> str:
    leads = tables["leads"]
    spans = [b for name, b in leads.bounds.items() if name.endswith("_at")]
    if "orders" in tables:
        spans.append(tables["orders"].bounds.get("order_date"))
    first = leads.bounds["lead_at"]
    last = max(span[1] for span in spans if span is not None)
    labels = {
        c: sorted(v for v in call("unique", leads.columns[c]).to_pylist() if v is not None)
        for c in ("source", "team")
        if c in leads.columns
    }
    return summary_text(
        name=folder.name,
        company=settings.company,
        currency=settings.currency,
        rows={t: plain.rows for t, plain in tables.items()},
        files={t: plain.file for t, plain in tables.items()},
        encodings={t: p.encoding for t, p in tables.items() if p.encoding not in (None, "UTF-8")},
        dates=(_EPOCH + first[0] * _MICROSECOND, _EPOCH + last * _MICROSECOND)
        if first is not None
        else None,
        labels=labels,
        warnings=[],
    )
