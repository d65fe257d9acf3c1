"""Streaming, strict CSV parsing over an already decoded text stream (RELIABILITY E5-E9, E12).

The caller opens the file and decodes it (``io.TextIOWrapper(..., newline="", errors="strict")``); this module
turns the text into records with the line each one starts on, and turns every silent failure mode of Python's
``csv`` module into an error that names a line:

- ``newline=""`` semantics: a quoted cell keeps its ``\\r\\n``, ``\\r`` or ``\\n`` byte-exact (E5).
- ``strict=True``: an unmatched quote is an error "unterminated quote starting at line N" instead of a file
  silently swallowed into one cell (E6); ``csv.field_size_limit`` is set explicitly so a runaway quote in a big
  file stops at :data:`~core.csv_formats.FIELD_SIZE_LIMIT` with the line named (E7).
- a record with a different number of fields than the header is returned with ``expected``/``got`` so the
  caller lists it ("row 3: expected 2 fields, got 3") and never shifts data into other columns (E8); trailing
  *empty* extra fields (``a,b,,`` from some spreadsheets) are harmless and dropped.
- rows are streamed, never loaded at once, and the count is capped (E12).
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from recipro_desktop.core.csv_formats import (
    FIELD_SIZE_LIMIT,
    MAX_DATA_ROWS,
    CsvError,
    HeaderInfo,
    header_index,
    header_info,
)

PREAMBLE_LINES = 64
"""Physical lines read ahead to find the header (LinkedIn's ``Notes:`` preamble is four lines)."""


class RowLimitError(CsvError):
    """The file has more data rows than one import accepts (E12)."""


@dataclass(frozen=True, slots=True)
class CsvRecord:
    """One data record: its 1-based data row number, the physical line it starts on, and its cells."""

    row: int
    line: int
    cells: tuple[str, ...]

    @property
    def width(self) -> int:
        return len(self.cells)


def _csv_message(exc: csv.Error, start: int) -> str:
    text = str(exc)
    if "unexpected end of data" in text or "newline inside string" in text:
        return f"Line {start}: unterminated quote starting at line {start} (a quoted cell is never closed)."
    if "field larger than field limit" in text:
        return (
            f"Line {start}: a cell is larger than {FIELD_SIZE_LIMIT // (1 << 20)} MiB, the limit for one cell "
            "(often a missing closing quote)."
        )
    return f"Line {start}: malformed quoting ({text})."


class CsvTable:
    """A CSV text read record by record: header first, then :meth:`records`.

    Args:
        text: the decoded stream, opened with ``newline=""`` (the BOM already skipped).
        delimiter: one of :data:`~core.csv_formats.DELIMITERS`.
        max_rows: more data rows than this is an error (E12).

    Raises:
        CsvError: on construction when no header can be read.
    """

    def __init__(self, text: TextIO, delimiter: str, *, max_rows: int = MAX_DATA_ROWS) -> None:
        csv.field_size_limit(FIELD_SIZE_LIMIT)
        self.text = text  # held: the chain below drops an exhausted stream, whose finaliser would close the file
        self.delimiter = delimiter
        self.max_rows = max_rows
        ahead = list(itertools.islice(text, PREAMBLE_LINES))
        if not ahead:
            raise CsvError("No data rows found: the file is empty.")
        index = header_index(ahead)
        self.skipped_lines = index
        self._reader = csv.reader(
            itertools.chain(ahead[index:], text), delimiter=delimiter, quotechar='"', doublequote=True, strict=True
        )
        self._consumed = 0
        cells = self._next(index + 1)
        if cells is None:
            raise CsvError("No data rows found: the file has no header line.")
        self.header: HeaderInfo = header_info(cells)
        self.header_line = index + 1
        self._rows = 0

    @property
    def line_num(self) -> int:
        """Physical lines read so far (preamble included)."""
        return self.skipped_lines + self._reader.line_num

    def _next(self, start: int) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise CsvError(_csv_message(exc, start), line=start) from None

    def records(self) -> Iterator[CsvRecord]:
        """Every non-blank data record in order.

        Raises:
            CsvError: malformed quoting, a giant cell or too many rows (the import stops as a whole).
            UnicodeDecodeError: from the text stream; the caller re-scans the bytes to name the offset.
        """
        width = len(self.header.names)
        while True:
            start = self.line_num + 1
            cells = self._next(start)
            if cells is None:
                return
            if not cells or all(not c for c in cells):
                continue  # blank line, or a row of empty cells a spreadsheet left behind
            if len(cells) > width and not any(cells[width:]):
                cells = cells[:width]
            self._rows += 1
            if self._rows > self.max_rows:
                raise RowLimitError(
                    f"The file has more than {self.max_rows:,} data rows, the limit for one import; "
                    "split it into smaller files.",
                    line=start,
                )
            yield CsvRecord(self._rows, start, tuple(cells))

    @property
    def rows_read(self) -> int:
        return self._rows
