"""Every problem :func:`kpilib.load_dataset` records, and how the ``auto`` engine's
pre-check (:func:`kpilib.engine.auto.precheck`) finds it on a scan.

Kept apart from the checks so it reads as one list: ``tests/test_auto_engine_loaded.py``
fails when :mod:`kpilib.data.load` or :mod:`kpilib.data.checks` gains a message it
lacks.
"""

from __future__ import annotations

__all__ = ["REFUSALS"]

# every problem kpilib.load_dataset records (the words of its message: f-string fields as
# {}), and how a scan of typed Parquet files finds it before computing. "schema": from the
# files' footers; the others are aggregates of one query per table, on the scan's engine.
REFUSALS: dict[str, str] = {
    # load.py
    "{}: {} is given twice ({}). Keep one file per table.": "choose_engine: one file a table",
    "{}: no such folder. Give the folder that holds leads.csv and kpi.toml.": "choose_engine",
    "{}: no leads file (leads.csv, leads.parquet or leads.xlsx). A dataset needs at least its "
    "leads; see docs/data-model.md.{}": "choose_engine: leads.parquet is a file",
    "{}: no rows under the header. A dataset needs at least one lead: export the leads "
    "again.": "the scan refuses the same (the footers' rows)",
    "{}: column{} {} ignored: not a stage of kpi.toml [funnel].stages. Add the stage there to "
    "use it.": "schema: a leads column ending in _at that is no date column",
    "{}: no source column; every lead counts under source 'unknown'.": "the scan warns the same",
    "{}: column source is blank in every row; every lead counts under source 'unknown'. Fill "
    "it from the CRM's source or channel field to get the split.": "source: null in every row",
    "no lead_id": "lead_id: null",
    "no lead_at date": "lead_at: null",
    "a sale without a customer_id": "sale_at set where customer_id is null",
    "a {} before its {}": "a stage date before the previous stage's",
    "a target of 0": "target: 0",
    "a period that does not parse": "period: null or not matching load.py's pattern",
    "an unknown metric": "metric: null or not a metric of kpi.toml's stages",
    "a duplicate target (same period, metric, team and owner)": "distinct keys < rows",
    "no target value": "target: null or NaN",
    "no amount": "amount: null or NaN",
    "no category": "category: null",
    "no revenue": "revenue: null or NaN",
    "no customer_id": "customer_id: null",
    # checks.py
    "missing_message()": "scan_dataset refuses a missing required column: the loader says it",
    "a date that does not parse": "schema: a date column not typed as a date or timestamp",
    "a date outside 1900-01-01 to 2199-12-31": "min < 1900-01-01 or max >= 2200-01-01",
    "a number that does not parse": "schema: a number column not typed as a number; "
    "else an infinite value",
    "a number of 10^15 or more": "max of the absolute values >= 10^15",
    "a negative value": "min < 0",
    "{}: column {}: both decimal marks are used: a point ({}) and a comma ({}). Write every "
    "number of a column with the same decimal mark.": "schema: text numbers",
    "{}: column {}: {} {} two ways ({}): {} is {} with a decimal mark, or {} with a "
    "thousands separator, and no value of the column settles it. Set locale in kpi.toml "
    '("en_GB" reads a point as the decimal mark, "fr_FR" a comma), or write the numbers '
    "without thousands separators.": "schema: text numbers",
    "no cell for this column (the row has fewer cells than the header)": "CSV only",
    "{}: {} {} fewer cells than the header ({}); the missing cells are read as blank.": "CSV only",
    "text that looks garbled, such as {}": "a text holding Ã, Â or â€",
    "a duplicate id": "distinct ids < rows",
    "_grouped()": "the problems above, together: the loader writes the message",
}

# what else the loader changes silently, and the scan must match or fall back on:
# texts are stripped (Python's str.strip: the scans strip the same spaces on polars,
# ASCII's and the separators on DuckDB, so a DuckDB text with a Unicode space at an edge
# falls back);
# whole floats in a text column lose their ".0", booleans become "True" (schema: a text
# column must be text or whole numbers); NaN is blank (falls back); names are stripped
# (schema: a padded or repeated name falls back). Blank rows are dropped from CSV and
# .xlsx only, and no text's case is changed.
