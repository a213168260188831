"""The reader: encodings, delimiters, decimal marks, and every damaged file it refuses by name."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from test_data import LEADS, errors_of, expected_leads, write

from kpilib import DataError, load_dataset
from kpilib.data import read
from kpilib.data.parse import number_marks, parse_number
from kpilib.data.text import decode, sniff

AMOUNTS = "lead_id,lead_at,amount\nL1,2026-10-01,{}\nL2,2026-10-02,{}\n"


def amounts(folder: Path, a: str, b: str, *, sep: str = ",", toml: str | None = None) -> list:
    rows = [["lead_id", "lead_at", "amount"], ["L1", "2026-10-01", a], ["L2", "2026-10-02", b]]
    write(folder, "leads.csv", "".join(sep.join(r) + "\n" for r in rows))
    if toml is not None:
        write(folder, "kpi.toml", toml)
    return load_dataset(folder).leads["amount"].tolist()


# --- decimal and thousands marks, per column, whatever the delimiter


def test_semicolon_file_with_decimal_points_reads_points(tmp_path):
    # the case: ";" no longer implies a decimal comma; 1234.56 stays 1234.56, not 123456
    assert amounts(tmp_path, "1234.56", "99.5", sep=";") == [1234.56, 99.5]


@pytest.mark.parametrize(
    ("a", "b", "sep", "want"),
    [
        ('"1,234.56"', "12", ",", [1234.56, 12.0]),  # comma groups thousands, point decimal
        ("1.234,56", "7,5", ";", [1234.56, 7.5]),  # point groups thousands, comma decimal
        ("1 234,5", "3", ";", [1234.5, 3.0]),  # space groups thousands
        ("1'234.50", "3", ",", [1234.5, 3.0]),  # Swiss apostrophe
        ("1.234", "12.5", ";", [1.234, 12.5]),  # 12.5 shows the point is decimal: 1.234 too
        ("1.234", "12,5", ";", [1234.0, 12.5]),  # 12,5 shows a decimal comma: 1.234 is 1234
    ],
)
def test_marks_detected_from_the_values(tmp_path, a, b, sep, want):
    assert amounts(tmp_path, a, b, sep=sep) == want


@pytest.mark.parametrize(
    ("locale", "want"),
    [
        # en_GB: the point is the decimal mark: 1.234 is one and a bit; 5 stays 5
        ("en_GB", [1.234, 5.0]),
        # fr_FR and de_DE: the comma is the decimal mark, so the point groups thousands: 1234
        ("fr_FR", [1234.0, 5.0]),
        ("de_DE", [1234.0, 5.0]),
    ],
)
def test_ambiguous_column_is_settled_by_the_locale_of_kpi_toml(tmp_path, locale, want):
    assert amounts(tmp_path, "1.234", "5", sep=";", toml=f'locale = "{locale}"\n') == want


def test_a_locale_does_not_override_what_the_values_show(tmp_path):
    # 1234.5 shows a decimal point; fr_FR would read 1.234 as 1234, but the column says otherwise
    got = amounts(tmp_path, "1234.5", "1.234", sep=";", toml='locale = "fr_FR"\n')
    assert got == [1234.5, 1.234]


def test_number_marks_and_parse_number():
    marks = number_marks(pd.Series(["1,234", "0.125", "-12", "1.234.567", "", "1e3", "x1"]))
    # 1,234 reads two ways; 0.125 cannot group thousands (leading 0); 1.234.567 groups by points
    assert marks.tolist() == ["?,", ".", "", ",", "", "", "bad"]
    out, bad = parse_number(pd.Series(["1.234.567", "12,5", "12.5", ""]), decimal=",")
    # 1.234.567 -> 1234567; 12,5 -> 12.5; 12.5 contradicts the decimal comma: bad, not 125
    assert out.tolist()[:2] == [1234567.0, 12.5]
    assert pd.isna(out[2]) and pd.isna(out[3])
    assert bad.tolist() == [False, False, True, False]


# --- encodings


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", None), ("utf-8-sig", None), ("cp1252", "Windows-1252"), ("utf-16", "UTF-16")],
)
def test_encodings_load_the_same_leads_and_the_summary_names_them(tmp_path, encoding, label):
    text = LEADS.replace("Bob", "Benoît Lefèvre")
    write(tmp_path, "leads.csv", text, encoding)
    ds = load_dataset(tmp_path)
    assert ds.leads["owner"].tolist() == ["Ann", "Benoît Lefèvre", "Ann"]
    assert ds.encodings == ({"leads": label} if label else {})
    line = next(ln for ln in ds.summary().splitlines() if ln.startswith("  leads"))
    source = f"leads.csv, {label}" if label else "leads.csv"
    assert line == f"  leads            3 rows  ({source})"


def test_utf16_without_bom_big_and_little_endian():
    for codec in ("utf-16-le", "utf-16-be"):
        assert decode("lead_id,é".encode(codec), "leads.csv") == ("lead_id,é", "UTF-16", [])


def test_utf16_bom_in_front_of_utf8_text_reads_as_utf8_with_a_warning(tmp_path):
    (tmp_path / "leads.csv").write_bytes(b"\xff\xfe" + LEADS.encode("utf-8"))
    ds = load_dataset(tmp_path)
    assert ds.leads["lead_id"].tolist() == ["L1", "L2", "L3"]
    assert ds.warnings == [
        "leads.csv: starts with a UTF-16 byte-order mark but holds UTF-8 text; read as UTF-8. "
        "Export it again as CSV UTF-8."
    ]


def test_a_utf8_bom_before_other_bytes_and_binary_files_are_refused(tmp_path):
    (tmp_path / "leads.csv").write_bytes(b"\xef\xbb\xbflead_id\xff")
    assert errors_of(tmp_path) == [
        "leads.csv: marked as UTF-8 but byte 10 is not UTF-8. Export it again as CSV UTF-8."
    ]
    (tmp_path / "leads.csv").write_bytes(b"\x89PNG\x00\x00\x00\x0dIHDR" + bytes(range(256)))
    assert errors_of(tmp_path) == [
        "leads.csv: not a text file (it holds binary data). Export it again as CSV UTF-8."
    ]


def test_mojibake_is_a_warning_naming_column_rows_and_an_example(tmp_path):
    # "Benoît" saved as UTF-8 then read as Windows-1252 and saved again: "BenoÃ®t"
    write(tmp_path, "leads.csv", LEADS.replace("Bob", "Benoît".encode().decode("cp1252")))
    assert load_dataset(tmp_path).warnings == [
        "leads.csv: column owner: 1 row has text that looks garbled, such as 'BenoÃ®t' (row 3). "
        "The file was saved as UTF-8 and later opened as Windows-1252: export it again as CSV "
        "UTF-8."
    ]


# --- delimiters


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed_from_the_known_columns(tmp_path, sep):
    write(tmp_path, "leads.csv", LEADS.replace(",", sep))
    pd.testing.assert_frame_equal(load_dataset(tmp_path).leads, expected_leads())


def test_sniff_prefers_a_consistent_split():
    # without known labels: ";" splits every line in 3, "," only the amounts
    assert sniff("a;b;c\n1;2,5;3\n4;5,5;6\n") == ";"


# --- headers and rows


def test_a_column_the_loader_ignores_may_repeat(tmp_path):
    write(tmp_path, "leads.csv", "lead_id,lead_at,note,note\nL1,2026-10-01,a,b\n")
    assert load_dataset(tmp_path).leads["lead_id"].tolist() == ["L1"]


def test_a_short_row_losing_optional_cells_is_a_warning(tmp_path):
    write(
        tmp_path, "leads.csv", "lead_id,lead_at,source,amount\nL1,2026-10-01,web,5\nL2,2026-10-02\n"
    )
    ds = load_dataset(tmp_path)
    # L2 gives 2 cells of 4: source and amount blank
    assert ds.leads["amount"].tolist()[0] == 5.0 and pd.isna(ds.leads["amount"][1])
    assert ds.warnings == [
        "leads.csv: 1 row has fewer cells than the header (row 3); the missing cells are read "
        "as blank."
    ]


def test_empty_and_header_only_files(tmp_path):
    write(tmp_path, "leads.csv", "")
    assert errors_of(tmp_path) == [
        "leads.csv: the file is empty. Export the table again with its header row."
    ]
    write(tmp_path, "leads.csv", "lead_id,lead_at,source\n")
    assert errors_of(tmp_path) == [
        "leads.csv: no rows under the header. A dataset needs at least one lead: export the "
        "leads again."
    ]
    # an optional table with a header only is an empty table
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "costs.csv", "period,category,amount\n")
    assert len(load_dataset(tmp_path).costs) == 0


# --- files that are not files


def test_a_folder_named_like_a_table_or_kpi_toml(tmp_path):
    write(tmp_path, "leads.csv", LEADS)
    (tmp_path / "orders.csv").mkdir()
    assert errors_of(tmp_path) == [
        "orders.csv: a folder, not a file. Put the orders.csv file itself there."
    ]
    (tmp_path / "orders.csv").rmdir()
    (tmp_path / "kpi.toml").mkdir()
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path)
    assert str(err.value) == "kpi.toml: a folder, not a file. Put the kpi.toml file itself there."


def test_a_dangling_link_is_named(tmp_path):
    write(tmp_path, "leads.csv", LEADS)
    (tmp_path / "targets.csv").symlink_to(tmp_path / "gone.csv")
    assert errors_of(tmp_path) == [
        "targets.csv: a link to a file that does not exist. Put the file itself there."
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_named(tmp_path):
    path = write(tmp_path, "leads.csv", LEADS)
    path.chmod(0)
    try:
        assert errors_of(tmp_path) == [
            "leads.csv: cannot be read (permission denied). Give read access to the file."
        ]
    finally:
        path.chmod(0o644)


def test_truncated_parquet_and_xlsx_are_refused_by_name(tmp_path):
    expected_leads().to_parquet(tmp_path / "x.parquet")
    (tmp_path / "leads.parquet").write_bytes((tmp_path / "x.parquet").read_bytes()[:100])
    (tmp_path / "x.parquet").unlink()
    problems = errors_of(tmp_path)
    assert len(problems) == 1 and problems[0].startswith("leads.parquet: not a readable Parquet")
    (tmp_path / "leads.parquet").unlink()
    expected_leads().to_excel(tmp_path / "x.xlsx", index=False)
    (tmp_path / "leads.xlsx").write_bytes((tmp_path / "x.xlsx").read_bytes()[:300])
    problems = errors_of(tmp_path)
    assert len(problems) == 1 and problems[0].startswith("leads.xlsx: not a readable .xlsx")


# --- workbooks are read within bounds


def _workbook(path: Path, far_cell: str) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["lead_id", "lead_at"])
    sheet.append(["L1", "2026-10-01"])
    sheet[far_cell] = "x"
    book.save(path)


def test_a_workbook_declaring_a_huge_sheet_is_refused_by_its_far_cell(tmp_path):
    # the file: one cell at XFD1048576, the last column of the last row
    _workbook(tmp_path / "leads.xlsx", "XFD1048576")
    assert errors_of(tmp_path) == [
        "leads.xlsx: row 1048576 has a cell in column 16,384. Keep the workbook under 1,000 "
        "columns and 5,000,000 cells, with no stray cell far from the table, or save the table "
        "as CSV or Parquet."
    ]


def test_the_cell_cap_refuses_a_workbook_past_it(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_CELLS", 5)
    # header 2 cells + row 2 two cells + row 4 (None, "x") two cells = 6, one past the cap
    _workbook(tmp_path / "leads.xlsx", "B4")
    assert errors_of(tmp_path) == [
        "leads.xlsx: the sheet holds more than 5 cells. Keep the workbook under 1,000 columns "
        "and 5 cells, with no stray cell far from the table, or save the table as CSV or Parquet."
    ]


# --- refusals: one dataset folder each, every message matched whole

REFUSED = {
    "both decimal marks in one column": (
        {"leads.csv": "lead_id;lead_at;amount\nL1;2026-10-01;1.5\nL2;2026-10-02;2,5\n"},
        [
            "leads.csv: column amount: both decimal marks are used: a point (row 2) and a comma "
            "(row 3). Write every number of a column with the same decimal mark."
        ],
    ),
    "a column reading two ways, without a locale": (
        {"leads.csv": "lead_id;lead_at;amount\nL1;2026-10-01;1.234\nL2;2026-10-02;5\n"},
        [
            "leads.csv: column amount: 1 value reads two ways (row 2): 1.234 is 1.234 with a "
            "decimal mark, or 1234 with a thousands separator, and no value of the column settles "
            'it. Set locale in kpi.toml ("en_GB" reads a point as the decimal mark, "fr_FR" a '
            "comma), or write the numbers without thousands separators."
        ],
    ),
    "a number of 10^15": (
        {"leads.csv": AMOUNTS.format("1e15", "3")},
        [
            "leads.csv: column amount: 1 row has a number of 10^15 or more (row 2). Check the "
            "export: such an amount is a typo or an id in the wrong column."
        ],
    ),
    "UTF-16 of odd length": (
        {"leads.csv": LEADS.encode("utf-16") + b"x"},
        [
            "leads.csv: UTF-16 text that does not decode (an odd number of bytes: the file is cut "
            "short or damaged). Export it again as CSV UTF-8."
        ],
    ),
    # the "amount ,amount": names differing by a trailing space are one name twice
    "a header differing by a trailing space": (
        {"leads.csv": "lead_id,lead_at,amount ,amount\nL1,2026-10-01,1,2\n"},
        [
            "leads.csv: column amount appears 2 times (columns 3, 4; names are compared without "
            "surrounding spaces). Keep one column of that name: remove or rename the others."
        ],
    ),
    # never one of the two dropped silently (the blank revenue)
    "a duplicated column": (
        {"leads.csv": "lead_id,lead_at,sale_at,sale_at\nL1,2026-10-01,,2026-10-05\n"},
        [
            "leads.csv: column sale_at appears 2 times (columns 3, 4; names are compared without "
            "surrounding spaces). Keep one column of that name: remove or rename the others."
        ],
    ),
    "a short row losing a required value": (
        {
            "leads.csv": LEADS,
            "costs.csv": "period,category,amount\n2026-10,campaigns,100\n2026-10,salaries\n",
        },
        [
            "costs.csv: column amount: 1 row has no cell for this column (the row has fewer "
            "cells than the header) (row 3). Give every row as many cells as the header has "
            "columns, or fix the export.",
            "costs.csv: column amount: 1 row has no amount (row 3). Fill the amount of every cost "
            "line, 0 if nothing was spent, or remove the row.",
        ],
    ),
    # row 3's extra cell is blank (a trailing separator): only row 2 is refused
    "a long row": (
        {"leads.csv": "lead_id,lead_at,amount\nL1,2026-10-01,1,234\nL2,2026-10-02,5,\n"},
        [
            "leads.csv: 1 row has more cells than the header's 3 (row 2). A value holds an "
            "unquoted separator, or the header lacks a column: quote such values or name every "
            "column."
        ],
    ),
    # a blank line and a line of separators only still count: "soon" is on line 5
    "row numbers across blank lines": (
        {"leads.csv": "lead_id,lead_at\nL1,2026-10-01\n\n,,\nL2,soon\n"},
        [
            "leads.csv: column lead_at: 1 row has a date that does not parse (row 5). Write dates "
            "as YYYY-MM-DD (a time may follow), or set day_first = true in kpi.toml for "
            "DD/MM/YYYY."
        ],
    ),
    "a date of 9999-12-31": (
        {"leads.csv": "lead_id,lead_at,sale_at\nL1,2026-10-01,9999-12-31\n"},
        [
            "leads.csv: column sale_at: 1 row has a date outside 1900-01-01 to 2199-12-31 (row "
            "2). Such a date is a placeholder or a typo: fix it in the export, or leave the cell "
            "blank."
        ],
    ),
    "a target of 0": (
        {
            "leads.csv": LEADS,
            "targets.csv": "period,metric,target\n2026-10,sales,0\n2026-10,leads,3\n",
        },
        [
            "targets.csv: column target: 1 row has a target of 0 (row 2). Targets must be above "
            "0, as attainment divides the actual by them: remove the row of a metric without an "
            "objective."
        ],
    ),
    "an order without revenue": (
        {
            "leads.csv": LEADS,
            "orders.csv": "order_id,customer_id,order_date,revenue\nO1,C1,2026-10-20,\n"
            "O2,C1,2026-10-21,5\n",
        },
        [
            "orders.csv: column revenue: 1 row has no revenue (row 2). Fill the revenue of every "
            "order, 0 for a free one, or remove the row."
        ],
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused(tmp_path, case):
    files, messages = REFUSED[case]
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (tmp_path / name).write_bytes(data)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert errors_of(tmp_path) == messages
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no input changes


def test_a_source_column_blank_in_every_row_is_a_warning(tmp_path):
    write(tmp_path, "leads.csv", "lead_id,lead_at,source\nL1,2026-10-01,\nL2,2026-10-02, \n")
    ds = load_dataset(tmp_path)
    assert ds.leads["source"].tolist() == ["unknown", "unknown"]
    assert ds.warnings == [
        "leads.csv: column source is blank in every row; every lead counts under source "
        "'unknown'. Fill it from the CRM's source or channel field to get the split."
    ]
    assert "  sources  1: unknown" in ds.summary().splitlines()
