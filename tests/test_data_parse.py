"""The cell parsers' text passes mean what Python's re means, wherever pandas runs them.

:mod:`kpilib.data.parse` writes its patterns so that pandas can run them on
Arrow; these tests hold them to the plain-Python reading they replaced.
"""

from __future__ import annotations

import re
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilib.data import parse
from kpilib.data.parse import number_marks
from kpilib.data.text import WHITESPACE

# the pattern parse used before, on Python's re: spaces (\s), no-break spaces, apostrophes
SPACES = re.compile(r"[\s\u00a0\u202f']")
NOTATIONS = [re.compile(pattern) for pattern, _ in parse._NOTATIONS]


def marks_by_python(cells: list[str]) -> list[str]:
    """number_marks of text cells, one cell at a time with Python's re."""
    out = []
    for cell in cells:
        text = SPACES.sub("", cell)
        if text == "" or NOTATIONS[0].fullmatch(text):
            out.append("")
            continue
        found = [
            m for p, (_, m) in zip(NOTATIONS, parse._NOTATIONS, strict=True) if p.fullmatch(text)
        ]
        out.append(found[0] if found else "bad")
    return out


def test_whitespace_is_what_a_regex_s_matches():
    spaces = "".join(chr(i) for i in range(sys.maxunicode + 1) if SPACES.fullmatch(chr(i)))
    assert spaces == "".join(sorted(WHITESPACE + "'"))


def test_spaces_are_removed_as_python_removes_them():
    # every space character between digits, plus an apostrophe: "1" and "234" joined
    cells = [f"1{c}234" for c in WHITESPACE + "'"] + ["١٢ ٣", "12"]
    got = pd.Series(cells, dtype="str").str.replace(parse._SPACES, "", regex=True)
    assert got.tolist() == [SPACES.sub("", c) for c in cells]
    assert got.tolist()[:3] == ["1234", "1234", "1234"]


def test_number_marks_hand_checked():
    # 1.234 two ways; 1,234.5 a point; ١٢,٥ (Arabic-Indic digits) a comma, as Python's \d
    # reads them; 1 234 whole once the space goes; 12a no number
    cells = ["1.234", "1,234.5", "١٢,٥", "1 234", "12a"]
    assert number_marks(pd.Series(cells, dtype="str")).tolist() == ["?.", ".", ",", "", "bad"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from("0123456789.,+-eE '\u00a0\u202f\x0b\u2028٣a"), max_size=9)))
def test_number_marks_as_python_reads_them(cells):
    got = number_marks(pd.Series(cells, dtype="str")).tolist()
    assert got == marks_by_python(cells)


def test_text_on_arrow_is_stripped_and_blanked_as_python_would():
    # a Parquet file's text column is on Arrow: stripped there, blank cells missing
    cells = [" North ", "\u00a0South\t", "   ", "", None, "é b", "\u2003"]
    arrow = parse.parse_text(pd.Series(cells, dtype="str", name="team"))
    assert arrow.dtype == pd.StringDtype("pyarrow", na_value=float("nan"))
    assert arrow.name == "team"
    assert arrow.tolist()[:2] + arrow.tolist()[5:6] == ["North", "South", "é b"]
    assert arrow.isna().tolist() == [False, False, True, True, True, False, True]
    # the same as the cell-by-cell path (Python's str.strip) gives
    plain = parse.parse_text(pd.Series(cells, dtype=object, name="team"))
    pd.testing.assert_series_equal(arrow, plain)


@given(st.lists(st.one_of(st.none(), st.text(alphabet=" \t\u00a0\u2003ab\u00e9"))))
@settings(max_examples=200, deadline=None)
def test_text_on_arrow_and_as_python_objects_agree(cells):
    arrow = parse.parse_text(pd.Series(cells, dtype="str"))
    plain = parse.parse_text(pd.Series(cells, dtype=object))
    pd.testing.assert_series_equal(arrow, plain)


@pytest.mark.parametrize(
    ("chunks", "changes"),
    [
        ([["a", "b c"], ["d"]], False),  # clean, over two chunks
        ([["a", None], [None]], False),  # missing cells are not texts
        ([["é", "b"], ["ü x"]], False),  # outside ASCII, clean
        ([["a"], ["b "]], True),  # a space at an end, in the second chunk
        ([["", "a"]], True),  # an empty text: blank
        ([["é", "\u00a0é"]], True),  # a no-break space: only the non-ASCII texts are stripped
        ([["é\u2003"]], True),  # an em space at the end
        ([["a\x01"]], True),  # a control character at an end: stripped to be sure
    ],
)
def test_strip_changes_is_read_from_the_bytes(chunks, changes):
    import pyarrow as pa

    from kpilib.data.kernels import strip_changes

    column = pa.chunked_array([pa.array(c, pa.string()) for c in chunks])
    assert strip_changes(column) is changes


def test_a_clean_arrow_column_is_not_stripped_or_copied():
    import pyarrow as pa

    values = pd.Series(["North", "Sud-Est", "é b", None], dtype="str", name="team")
    got = parse.parse_text(values)
    pd.testing.assert_series_equal(got, parse.parse_text(values.astype(object)))
    # the same Arrow data: nothing stripped or copied (a stripped column is a new one)
    data = [pa.array(x.array).buffers()[2].address for x in (got, values)]
    assert data[0] == data[1]
    stripped = pd.Series([" North", "é b", None], dtype="str")
    data = [pa.array(x.array).buffers()[2].address for x in (parse.parse_text(stripped), stripped)]
    assert data[0] != data[1]
