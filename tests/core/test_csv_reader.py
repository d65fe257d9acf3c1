"""core/csv_reader: strict streaming parse with line numbers (RELIABILITY E5-E8, E12)."""

from __future__ import annotations

import io

import pytest

from recipro_desktop.core.csv_formats import FIELD_SIZE_LIMIT, CsvError
from recipro_desktop.core.csv_reader import CsvTable, RowLimitError


def table(text: str, delimiter: str = ",", **kwargs: int) -> CsvTable:
    return CsvTable(io.StringIO(text, newline=""), delimiter, **kwargs)


def test_e5_embedded_newlines_quotes_and_commas_survive_byte_exact() -> None:
    note = 'line one\r\nline "two", with comma\rthree\nfour'
    quoted = note.replace('"', '""')
    t = table(f'name,note\r\nAna,"{quoted}"\r\nBo,plain\r\n')
    records = list(t.records())
    assert [r.cells for r in records] == [("Ana", note), ("Bo", "plain")]
    assert [(r.row, r.line) for r in records] == [(1, 2), (2, 6)]  # Bo starts on line 6: Ana's note spans 4 lines


def test_e6_unmatched_quote_is_an_error_naming_the_line_where_it_opened() -> None:
    t = table('name,note\n"Alice,unterminated\nBob,hi\n')
    with pytest.raises(CsvError, match="unterminated quote starting at line 2") as caught:
        list(t.records())
    assert caught.value.line == 2


def test_e6_quote_inside_a_quoted_field_is_an_error_not_a_silent_merge() -> None:
    with pytest.raises(CsvError, match="Line 3: malformed quoting"):
        list(table('name,note\nAna,ok\nBo,"bad"x\n').records())


def test_e7_runaway_quote_in_a_large_file_stops_at_the_field_limit() -> None:
    body = "".join(f"row{i},some text for row {i}\n" for i in range(60_000))  # > 1 MiB after the quote
    t = table(f'name,note\nAna,ok\nBo,"open quote\n{body}')
    with pytest.raises(CsvError, match="Line 3: a cell is larger than 1 MiB") as caught:
        list(t.records())
    assert caught.value.line == 3


def test_e7_one_giant_field_is_refused_with_its_line() -> None:
    giant = "x" * (FIELD_SIZE_LIMIT + 10)
    with pytest.raises(CsvError, match="Line 3"):
        list(table(f"name,note\nAna,ok\nBo,{giant}\n").records())


def test_e8_ragged_rows_keep_their_width_so_the_caller_can_list_them() -> None:
    records = list(table("name,note\nAna\nBo,hi,extra\nCy,ok\nDi,ok,,\n").records())
    assert [r.width for r in records] == [1, 3, 2, 2]  # trailing *empty* extras are harmless and dropped
    assert records[1].cells == ("Bo", "hi", "extra")


def test_blank_lines_and_empty_rows_are_skipped_not_counted() -> None:
    records = list(table("name,note\n\nAna,ok\n,\n\nBo,hi\n").records())
    assert [(r.row, r.line, r.cells) for r in records] == [(1, 3, ("Ana", "ok")), (2, 6, ("Bo", "hi"))]


def test_e12_row_cap_is_enforced_while_streaming() -> None:
    t = table("name\n" + "".join(f"p{i}\n" for i in range(20)), max_rows=10)
    seen = []
    with pytest.raises(RowLimitError, match="more than 10 data rows"):
        for record in t.records():
            seen.append(record.row)
    assert seen == list(range(1, 11))


def test_header_after_a_preamble_and_header_problems() -> None:
    t = table('Notes:\n"Some, text"\n\nFirst Name,Last Name,First Name\nAna,Lima,X\n')
    assert t.header_line == 4
    assert t.header.names == ("First Name", "Last Name", "First Name")
    assert t.header.duplicates == ((0, 2),)
    assert [r.line for r in t.records()] == [5]
    with pytest.raises(CsvError, match="No data rows"):
        table("")
