"""The fast CSV path: the same table as the exact reader, or it declines.

:func:`kpilib.data.read._plain_table` reads plain CSV text with Arrow;
:func:`kpilib.data.read._table` over :func:`kpilib.data.text.split_csv` is the
exact reader. For every text, the fast path either declines (None) or gives
the exact reader's table: same frame (values, dtypes, columns, index), same
file rows, same widths, or the same error.
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpilib.data import read
from kpilib.data.plain_csv import filled_rows, plain_cells
from kpilib.data.text import (
    DELIMITERS,
    WHITESPACE,
    _first_lines,
    split_csv,
)
from kpilib.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted(
    p for folder in ("data", "tests") for p in (ROOT / folder).rglob("*.csv") if p.is_file()
)


def _outcome(build):  # noqa: ANN001, ANN202 - a thunk and what it gives
    try:
        return build()
    except DataError as exc:
        return str(exc)


def exact(text: str, delimiter: str, encoding: str = "UTF-8") -> read.RawTable | str:
    def build() -> read.RawTable:
        records, lines = split_csv(text, "t.csv", delimiter)
        return read._table("t.csv", records, lines, None, encoding=encoding)

    return _outcome(build)


def fast(text: str, delimiter: str, encoding: str = "UTF-8") -> read.RawTable | str | None:
    return _outcome(lambda: read._plain_table("t.csv", text, delimiter, None, encoding))


def assert_same(got: read.RawTable | str, want: read.RawTable | str) -> None:
    if isinstance(want, str) or isinstance(got, str):
        assert got == want
        return
    assert list(got.frame.columns) == list(want.frame.columns)
    assert got.frame.equals(want.frame)
    assert got.frame.dtypes.tolist() == want.frame.dtypes.tolist()
    assert got.frame.index.equals(want.frame.index)
    for name in ("rows", "widths"):
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype and a.tolist() == b.tolist(), name
    assert (got.name, got.encoding, got.notes, got.maybe_garbled) == (
        want.name,
        want.encoding,
        want.notes,
        want.maybe_garbled,
    )


def check(text: str, delimiter: str) -> bool:
    """Whether the fast path took *text*; asserts it then agrees with the exact reader."""
    got = fast(text, delimiter)
    if got is None:
        return False
    assert_same(got, exact(text, delimiter))
    return True


# --- hand-checked cases


def test_plain_text_is_read_by_the_fast_path_with_its_file_rows():
    # header on line 1; line 3 blank; "L2" on line 4; trailing blank lines add no record
    text = 'lead_id,owner,amount\r\nL1,"Lambert, Chloé",12.5\r\n\r\nL2,"say ""hi""",\r\n\r\n'
    got = fast(text, ",")
    assert got is not None
    assert got.frame.to_dict("list") == {
        "lead_id": ["L1", "L2"],
        "owner": ["Lambert, Chloé", 'say "hi"'],
        "amount": ["12.5", ""],
    }
    assert got.rows.tolist() == [2, 4]
    assert got.widths.tolist() == [3, 3]  # every record gives the header's 3 cells
    assert_same(got, exact(text, ","))


def test_rows_of_blank_cells_are_dropped_as_the_exact_reader_drops_them():
    # line 3 holds only delimiters and a no-break space: no record; "x" stays on line 4
    text = "a;b\n1;2\n;\u00a0\nx;\n"
    got = fast(text, ";")
    assert got.frame.to_dict("list") == {"a": ["1", "x"], "b": ["2", ""]}
    assert got.rows.tolist() == [2, 4]
    assert_same(got, exact(text, ";"))


def test_spaces_starting_a_field_are_dropped_as_the_exact_reader_drops_them():
    # Python's reader skips spaces after a delimiter and at a line's start; a tab stays
    text = "a, b\n  1,  x y\n2,\t3\n"
    got = fast(text, ",")
    assert got.frame.to_dict("list") == {"a": ["1", "2"], "b": ["x y", "\t3"]}
    assert_same(got, exact(text, ","))


def test_a_header_naming_a_column_twice_gives_the_exact_readers_error():
    text = "a,b,a\n1,2,3\n"
    want = (
        "t.csv: column a appears 2 times (columns 1, 3; names are compared without "
        "surrounding spaces). Keep one column of that name: remove or rename the others."
    )
    assert fast(text, ",") == want
    assert exact(text, ",") == want


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('a,b\n"1", x\n', "a space after a delimiter in a file with quoted fields"),
        ('a,b\n x,"1"\n', "a space starting a line in a file with quoted fields"),
        ('a,b\n"1\n2",x\n', "a quoted line break (the record spans two lines)"),
        ('a,b\n1,x"y\n', "a quote inside an unquoted field"),
        ('a,b\n"x"y,1\n', "text after a closing quote"),
        ('a,b\n1, "x"\n', "a quoted field after a space"),
        ("a,b\n1,2,3\n", "a row wider than the header (the exact reader's error)"),
        ("a,b\n1\n", "a row narrower than the header (the exact reader pads it)"),
        ("a,b\r1,2\r", "lone carriage returns"),
        ("\ufeffa,b\n1,2\n", "a second byte-order mark"),
        ("", "an empty file (the exact reader's error)"),
        ("\n\r\n", "only blank lines"),
        ("a,b\n" + "x" * 131_072 + ",1\n", "a field past the csv module's limit"),
    ],
)
def test_the_fast_path_declines_what_it_cannot_show_plain(text, why):
    assert fast(text, ",") is None, why


def test_whitespace_is_what_str_strip_removes():
    spaces = "".join(chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace())
    assert WHITESPACE == spaces


def test_filled_rows():
    # row 0: "x"; row 1: tab and no-break space only; row 2: an empty cell and "\u3000y"
    cols = [pa.array(["x", "\t", ""]), pa.array(["", "\u00a0", "\u3000y"])]
    assert filled_rows(cols, 3).tolist() == [True, False, True]


def test_plain_cells_gives_the_header_body_and_lines():
    # header on line 2 (line 1 blank), records on lines 3 and 5
    header, body, lines = plain_cells("\nid|name\n1|Zoë\n\n2|\n", "|")
    assert header == ["id", "name"]
    assert [c.to_pylist() for c in body] == [["1", "2"], ["Zoë", ""]]
    assert lines.tolist() == [2, 3, 5]


# --- the repository's CSV files, and encodings, through read_table


def _both(path: Path, monkeypatch) -> tuple[read.RawTable | str, read.RawTable | str, bool]:  # noqa: ANN001
    took = []
    plain = read._plain_table

    def spy(*args):  # noqa: ANN002, ANN202
        raw = plain(*args)
        took.append(raw is not None)
        return raw

    monkeypatch.setattr(read, "_plain_table", spy)
    got = _outcome(lambda: read.read_table(path))
    monkeypatch.setattr(read, "_plain_table", lambda *args: None)
    want = _outcome(lambda: read.read_table(path))
    monkeypatch.setattr(read, "_plain_table", plain)
    return got, want, bool(took and took[0])


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_csv_files(path, monkeypatch):
    got, want, took = _both(path, monkeypatch)
    assert_same(got, want)
    if path.parent.name == "sample":
        assert took  # the sample dataset is plain: the fast path reads it


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("cp1252", b""),
        ("latin-1", b""),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),
    ],
)
def test_encodings(tmp_path, monkeypatch, codec, bom):
    text = "lead_id;owner;amount\r\nL1;Benoît Müller;1234,5\r\nL2;Chloé;7\r\n"
    path = tmp_path / "leads.csv"
    path.write_bytes(bom + text.encode(codec))
    got, want, took = _both(path, monkeypatch)
    assert took
    assert got.frame["owner"].tolist() == ["Benoît Müller", "Chloé"]
    assert_same(got, want)


# --- generated texts: quotes, line ends, blank lines, spaces, ragged rows, any delimiter

CELL_CHARS = "ab1 .,;|\t\"'éÃ€\u00a0\u3000\u2028\x85\x0b\x1c\r\n"


@st.composite
def csv_texts(draw) -> tuple[str, str]:  # noqa: ANN001
    delimiter = draw(st.sampled_from(DELIMITERS))
    width = draw(st.integers(1, 4))
    cell = st.one_of(
        st.text(st.sampled_from("ab1.é€ "), max_size=4),
        st.text(st.sampled_from(CELL_CHARS), max_size=4),
        st.text(st.sampled_from(CELL_CHARS), max_size=4).map(
            lambda s: '"' + s.replace('"', '""') + '"'
        ),
    )
    rows = draw(
        st.lists(
            st.lists(cell, min_size=width, max_size=width)
            | st.lists(cell, min_size=0, max_size=width + 1),
            min_size=1,
            max_size=6,
        )
    )
    ends = st.sampled_from(["\n", "\r\n", "\n", "\r\n", "\n\n", "\r\n\r\n", "\r"])
    parts = ["\n" * draw(st.integers(0, 1))]
    for row in rows:
        parts.append(delimiter.join(row) + draw(ends))
    if draw(st.booleans()):
        parts[-1] = parts[-1].rstrip("\r\n")  # no line end after the last record
    return "".join(parts), delimiter


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_texts())
def test_generated_texts_read_alike_or_decline(case):
    text, delimiter = case
    check(text, delimiter)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(st.sampled_from("ab1é,\"' "), min_size=1, max_size=5), min_size=3, max_size=3
        ),
        min_size=1,
        max_size=8,
    )
)
def test_quoted_cells_written_by_the_csv_module_take_the_fast_path(rows):
    # what pandas or Excel writes: a cell quoted only when it holds a comma, a quote or a
    # space-led value, quotes doubled inside; never a space after the delimiter outside quotes
    import csv
    import io

    rows = [[c if not c.startswith(" ") else "x" + c for c in r] for r in rows]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([["a", "b", "c"], *rows])
    assert check(out.getvalue(), ",")


def test_a_larger_plain_file_is_read_alike():
    # 2,000 records with blank lines every 7th line and quoted cells every 5th record
    rng = np.random.default_rng(7)
    lines = ["id,name,amount"]
    for i in range(2000):
        name = f'"Nom, {i}"' if i % 5 == 0 else f"n{i}"
        lines.append(f"{i},{name},{rng.integers(0, 10_000) / 100}")
        if i % 7 == 0:
            lines.append("")
    text = "\n".join(lines) + "\n"
    assert check(text, ",")
    assert exact(text, ",").rows[-1] == len(lines)  # the last record stands on the last line


@pytest.mark.parametrize("size", [0, 5, 39, 40, 41, 100])
@pytest.mark.parametrize("end", ["\n", "\r\n", "\r", "\u2028"])
def test_first_lines_are_those_of_splitlines(size, end):
    # lines of growing length: the first 40 hold 20 × (0 + … + 39) = 15,600 characters,
    # so the 8,192-character prefix cuts one of them and the prefix must grow
    text = end.join("x" * (i * 20) + str(i) for i in range(size))
    assert _first_lines(text, 40) == text.splitlines()[:40]
