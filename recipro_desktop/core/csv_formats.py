"""CSV files as they really arrive: encodings, delimiters, known formats, header aliases, values, formula escapes.

Pure functions and data only (no files are opened here; :mod:`core.csv_reader` parses a stream it is handed,
:mod:`services.importer` opens files). Each rule answers a row of RELIABILITY §E/§F:

- **Encoding** (E1-E3, E13, E14, issue 10): BOM first (UTF-8, UTF-16 LE/BE, UTF-32), then strict UTF-8, then the
  most plausible legacy code page (:mod:`core.csv_encoding`: Windows-1250/1251/1252/1253/1254/1257, Shift-JIS,
  ISO-8859-2, Mac Roman), with an *unsure* flag when that is a guess that could garble names. Never
  ``errors="replace"``: a byte no candidate can decode is an error naming its line and byte offset, and the
  user can choose the encoding. Binary files (PNG bytes, a zip renamed ``.csv``, NUL-heavy data) are refused;
  UTF-16 without a BOM is recognised by its NUL pattern.
- **Delimiter** (E4): sniffed from the header line only (``,`` ``;`` tab ``|``): data rows are full of commas in
  notes and decimal commas, the header is not. A tie is reported, never guessed.
- **Known formats** recognised from the header: Recipro's own export (its marker column :data:`MARKER_COLUMN`),
  LinkedIn ``Connections.csv`` (a ``Notes:`` preamble before the header, ``15 Mar 2023`` dates), Google Contacts
  (old ``Given Name``/``E-mail 1 - Value`` and new ``First Name``/``Labels`` headers), Outlook.
- **Header aliases** in English and the common European languages (E10): headers are matched after trimming,
  casefolding and dropping Google/Outlook numbering (``E-mail 2 - Value`` is an email column).
- **Values** (E15-E17): text is kept exactly as typed (``NA``, ``null`` and the name ``Nan`` are text, an empty
  cell is an empty text or "no date"); dates are ISO-8601 first, then the written-out forms, and day/month order
  is never guessed for ``03/04/2024`` (inferred from the column, or chosen by the user); numbers are whole
  numbers or a row-level error.
- **Formula injection** (F1, F2, E16, I16): :func:`defuse` prefixes ``'`` to every *line* of a cell that starts
  with a trigger, ASCII or full-width (after optional blanks), or with ``'`` itself, so :func:`undefuse` (applied
  only to files bearing our marker) restores the original exactly.
"""

from __future__ import annotations

import codecs
import enum
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from recipro_desktop.core import csv_encoding
from recipro_desktop.core.errors import JournalError

MARKER_COLUMN = "__recipro_csv_v1"
"""The last header column of every CSV Recipro writes for round trips (F2). Its presence is what allows the
importer to undo our own formula escapes; files without it are taken literally."""

FIELD_SIZE_LIMIT = 1 << 20
"""The largest single cell accepted (1 MiB; Python's default is 128 KiB). Set explicitly before every parse (E7):
an unmatched quote in a large file otherwise grows one "field" until memory runs out."""

MAX_FILE_BYTES = 50 * 1000 * 1000
"""Default size cap of one CSV file (E12)."""

MAX_DATA_ROWS = 200_000
"""Default cap on data rows in one CSV file (E12)."""

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}

ENCODINGS = (
    "utf-8",
    "utf-16",
    "cp1252",
    "cp1250",
    "cp1251",
    "cp932",
    "iso-8859-2",
    "mac_roman",
    "cp1253",
    "cp1254",
    "cp1257",
    "koi8-r",
    "cp1255",
    "cp1256",
    "gb18030",
    "big5",
    "cp949",
    "latin-1",
)
"""What a user may choose when overriding detection (E3, issue 10), in the order the wizard lists them.
``utf-16`` needs a BOM or a NUL pattern; the legacy code pages guessed automatically are
:data:`core.csv_encoding.AUTO_ENCODINGS`."""

ENCODING_NAMES = {
    "utf-8": "Unicode (UTF-8)",
    "utf-16": "Unicode (UTF-16)",
    "utf-16-le": "Unicode (UTF-16 little-endian)",
    "utf-16-be": "Unicode (UTF-16 big-endian)",
    "utf-32-le": "Unicode (UTF-32 little-endian)",
    "utf-32-be": "Unicode (UTF-32 big-endian)",
    "cp1252": "Western European (Windows-1252)",
    "cp1250": "Central European (Windows-1250)",
    "cp1251": "Cyrillic (Windows-1251)",
    "cp932": "Japanese (Shift-JIS, Windows-932)",
    "iso-8859-2": "Central European (ISO-8859-2)",
    "mac_roman": "Western European (Mac Roman)",
    "cp1253": "Greek (Windows-1253)",
    "cp1254": "Turkish (Windows-1254)",
    "cp1257": "Baltic (Windows-1257)",
    "koi8-r": "Cyrillic (KOI8-R)",
    "cp1255": "Hebrew (Windows-1255)",
    "cp1256": "Arabic (Windows-1256)",
    "gb18030": "Chinese Simplified (GB18030)",
    "big5": "Chinese Traditional (Big5)",
    "cp949": "Korean (Windows-949)",
    "latin-1": "Western European (ISO-8859-1, Latin-1)",
}


class CsvError(JournalError):
    """A CSV file (or one of its rows) cannot be read. The message names lines, rows, columns and byte offsets,
    never a cell's content (cells are private notes)."""

    exit_code = 30

    def __init__(self, message: str, *, line: int | None = None, offset: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.offset = offset


class EncodingUnsureError(CsvError):
    """The file is not UTF-8 and its code page cannot be told with confidence (issue 10): importing it without
    the user's choice could store garbled names. Carries the guess so a caller can name it."""

    def __init__(
        self, message: str, guess: EncodingGuess, *, line: int | None = None, offset: int | None = None
    ) -> None:
        super().__init__(message, line=line, offset=offset)
        self.guess = guess


# --- encodings ----------------------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook is one; save it as CSV first)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (save it as CSV first)"),
    (b"SQLite format 3\x00", "a database file"),
    (b"\x1f\x8b", "a gzip archive"),
)


@dataclass(frozen=True, slots=True)
class EncodingGuess:
    """How to decode a file: the codec, how many BOM bytes to skip, and a sentence for the user.

    ``unsure`` is set when the file is not UTF-8 and its code page was a guess that could be wrong (issue 10):
    show the guess and a preview, and let the user choose; ``alternatives`` are the runner-up code pages that
    read the file differently, most plausible first.
    """

    encoding: str
    bom: int = 0
    note: str = ""
    unsure: bool = False
    alternatives: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return encoding_label(self.encoding) + (" with BOM" if self.bom else "")


def encoding_label(name: str) -> str:
    """A code page in words ("Cyrillic (Windows-1251)"); the codec name itself when unknown."""
    return ENCODING_NAMES.get(name, name)


_BINARY_BYTES = (*range(0x00, 0x08), *range(0x0E, 0x1B), *range(0x1C, 0x20))
"""Control bytes text files (even with a stray NUL or escape sequence) hold almost none of."""


def bom_encoding(head: bytes) -> EncodingGuess | None:
    """The encoding announced by a byte-order mark at the start of ``head`` (E1, E2), or None."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return EncodingGuess(name, len(bom), "byte-order mark")
    return None


def binary_kind(head: bytes) -> str | None:
    """What a non-text file is ("a PNG image"...), from its first bytes; None when it may be text (E13)."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NULs sit in every other byte (ASCII text in UTF-16 without a BOM)."""
    sample = head[: 1 << 16]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= 0.6 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.6 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def line_of_offset(data: bytes, offset: int, *, first_line: int = 1) -> int:
    """The 1-based line holding byte ``offset`` of ``data`` (LF, CRLF or lone CR line ends)."""
    before = data[:offset]
    return first_line + before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n")


def _looks_like_utf8_error(data: bytes, at: int) -> bool:
    """Whether an undecodable sequence is still *shaped* like UTF-8 (a lead byte and continuation bytes): an
    encoded surrogate (``ED A0 80``) or overlong form is an invalid code point (E14), not Windows-1252 text."""
    lead = data[at] if at < len(data) else 0
    if not 0xC0 <= lead <= 0xF7:
        return False
    need = 1 if lead < 0xE0 else 2 if lead < 0xF0 else 3
    tail = data[at + 1 : at + 1 + need]
    return len(tail) == need and all(0x80 <= b <= 0xBF for b in tail)


ChunkSource = Callable[[], Iterable[bytes]]
"""Opens a file's bytes from the start as a stream of chunks (the importer passes a file reader; tests a list)."""


@dataclass(frozen=True, slots=True)
class _DecodeFailure:
    offset: int  # byte offset in the file
    line: int
    byte: int
    shaped_like_utf8: bool


class _LineCounter:
    """Counts physical lines (LF, CRLF, lone CR) over decoded text that arrives in pieces."""

    def __init__(self) -> None:
        self.breaks = 0
        self._cr_pending = False

    def feed(self, text: str) -> None:
        if not text:
            return
        if self._cr_pending and text.startswith("\n"):
            self.breaks -= 1  # the CR counted at the end of the last piece was the first half of a CRLF
        self.breaks += text.count("\n") + text.count("\r") - text.count("\r\n")
        self._cr_pending = text.endswith("\r")

    @property
    def line(self) -> int:
        return self.breaks + 1


def _scan(source: ChunkSource, codec: str, skip: int) -> tuple[_DecodeFailure | None, bool]:
    """Decode a whole file strictly; (the first failure or None, whether any byte was non-ASCII)."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    lines = _LineCounter()
    offset = 0  # bytes of the file fed to the decoder so far (BOM included)
    non_ascii = False
    to_skip = skip
    for raw in source():
        chunk = raw
        if to_skip:
            dropped = len(chunk[:to_skip])
            chunk = chunk[to_skip:]
            to_skip -= dropped
            offset += dropped
        pending = _pending(decoder)
        try:
            lines.feed(decoder.decode(chunk))
        except UnicodeDecodeError as exc:
            data = pending + chunk
            valid = data[: exc.start]
            lines.feed(codecs.decode(valid, codec, "replace"))
            bad = data[exc.start] if exc.start < len(data) else 0
            failure = _DecodeFailure(
                offset - len(pending) + exc.start,
                lines.line,
                bad,
                _looks_like_utf8_error(data, exc.start),
            )
            return failure, True
        non_ascii = non_ascii or not chunk.isascii()
        offset += len(chunk)
    pending = _pending(decoder)
    try:
        lines.feed(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        bad = pending[exc.start] if exc.start < len(pending) else 0
        return _DecodeFailure(offset - len(pending) + exc.start, lines.line, bad, True), non_ascii
    return None, non_ascii


def _failure_error(failure: _DecodeFailure, encoding: str, *, tried: bool = False) -> CsvError:
    name = "in any encoding Recipro tries by itself" if tried else encoding_label(encoding)
    return CsvError(
        f"Line {failure.line}: byte 0x{failure.byte:02X} at offset {failure.offset:,} is not valid {name}. "
        "Choose the file's encoding (for example Windows-1252 or Latin-1) and try again.",
        line=failure.line,
        offset=failure.offset,
    )


def _bad_utf8_error(census: csv_encoding.Utf8Census) -> CsvError:
    """A file that is UTF-8 but for a few bytes (issue 11, I11): say where they are, never re-decode the file."""
    places = [f"line {b.line}, column {b.column} ({_byte_list(b.data)} at offset {b.offset:,})" for b in census.first]
    more = census.bad_bytes - sum(len(b.data) for b in census.first)
    if more:
        places.append(f"{more:,} more after these")
    one = census.bad_bytes == 1
    first = census.first[0]
    return CsvError(
        f"This file is UTF-8 except for {'1 byte that is' if one else f'{census.bad_bytes:,} bytes that are'} "
        f"not: {'; '.join(places)}. Nothing was imported; correct {'that byte' if one else 'those bytes'} in the "
        "file, or if the whole file is in another encoding, choose it (for example recipro import --encoding "
        "cp1252).",
        line=first.line,
        offset=first.offset,
    )


def _byte_list(data: bytes, shown: int = 4) -> str:
    """``byte 0xE9``, ``bytes 0xED 0xA0 0x80``, ``bytes 0xFF 0xFE 0xFD 0xFC …`` (a long run is cut)."""
    listed = " ".join(f"0x{b:02X}" for b in data[:shown]) + (" …" if len(data) > shown else "")
    return f"byte {listed}" if len(data) == 1 else f"bytes {listed}"


def _pending(decoder: codecs.IncrementalDecoder) -> bytes:
    buffered = getattr(decoder, "buffer", b"")
    return buffered if isinstance(buffered, bytes) else b""


def _head(source: ChunkSource, size: int = 1 << 16) -> bytes:
    head = b""
    for chunk in source():
        head += chunk
        if len(head) >= size:
            break
    return head[:size]


def check_decodes(source: ChunkSource, guess: EncodingGuess) -> None:
    """Decode a whole file strictly with ``guess`` (after its BOM) and raise on the first bad byte (E3, E14).

    Raises:
        CsvError: naming the line and the byte offset of the first byte that does not decode.
    """
    failure, _ = _scan(source, guess.encoding, guess.bom)
    if failure is not None:
        raise _failure_error(failure, guess.encoding)


def detect_encoding(source: ChunkSource, *, hint: str | None = None, allow_unsure: bool = False) -> EncodingGuess:
    """Decide how to decode a whole file (E1-E3, E13, E14, issue 10); ``source`` may be read more than once.

    Order: BOM → NUL pattern (UTF-16 without BOM, or binary) → strict UTF-8 → the legacy code page that reads the
    first :data:`~core.csv_encoding.SAMPLE_BYTES` most plausibly (:func:`core.csv_encoding.detect_legacy`), then
    checked strictly over the whole file. A BOM and valid UTF-8 are decisive and never reach the guesser. A file
    that is UTF-8 but for a few bytes (as many valid multi-byte characters as bad bytes, anywhere in the file:
    :attr:`core.csv_encoding.Utf8Census.mostly_utf8`), or whose bad sequence is shaped like UTF-8 (an encoded
    surrogate), is refused naming the first bad bytes by line and column (issue 11, I11): reading it as a code
    page would garble every valid name ("Zoë" stored as "ZoÃ«").

    Args:
        hint: the system's ANSI code page (:func:`core.csv_encoding.system_code_page`), a tie-breaker only.
        allow_unsure: return an unsure guess (``guess.unsure``) instead of raising; the wizard shows it.

    Raises:
        CsvError: empty, binary, or undecodable by every candidate (with line and byte offset).
        EncodingUnsureError: the code page is a guess that may be wrong, and ``allow_unsure`` is False.
    """
    head = _head(source)
    if not head:
        raise CsvError("The file is empty (0 bytes): no data rows found.")
    guess = bom_encoding(head)
    if guess is not None:
        check_decodes(source, guess)
        return guess
    kind = binary_kind(head)
    if kind is not None:
        raise CsvError(f"This is not a text CSV file (it looks like {kind}).")
    if 0 in head:
        wide = _utf16_without_bom(head)
        if wide is not None:
            guess = EncodingGuess(wide, 0, "UTF-16 without a byte-order mark")
            check_decodes(source, guess)
            return guess
        if head.count(0) / len(head) > 0.1:
            raise CsvError("This is not a text CSV file (it holds binary data).")
    controls = sum(head.count(c) for c in _BINARY_BYTES)
    if controls >= 16 and controls / len(head) > 0.03:  # a stray NUL or two in a text file is E14, not binary
        raise CsvError("This is not a text CSV file (it holds binary data).")
    failure, non_ascii = _scan(source, "utf-8", 0)
    if failure is None:
        return EncodingGuess("utf-8", 0, "valid UTF-8" if non_ascii else "plain ASCII")
    census = csv_encoding.utf8_census(source())
    if census.mostly_utf8 or failure.shaped_like_utf8:
        raise _bad_utf8_error(census)
    guess = _legacy_guess(source, failure, hint)
    if guess.unsure and not allow_unsure:
        raise _unsure_error(_head(source, csv_encoding.SAMPLE_BYTES), guess)
    return guess


def _legacy_guess(source: ChunkSource, utf8_failure: _DecodeFailure, hint: str | None) -> EncodingGuess:
    """The most plausible legacy code page that decodes the whole file (see :mod:`core.csv_encoding`)."""
    found = csv_encoding.detect_legacy(_head(source, csv_encoding.SAMPLE_BYTES), hint=hint)
    if found is None:
        raise _failure_error(utf8_failure, "", tried=True)
    first_failure: _DecodeFailure | None = None
    for position, reading in enumerate(found.readings):
        failure, _ = _scan(source, reading.encoding, 0)  # the sample decoded; a later byte may not
        if failure is not None:
            first_failure = first_failure or failure
            continue
        others = tuple(r.encoding for r in found.readings if r.encoding != reading.encoding)[:3]
        note = found.reason if position == 0 else "the likelier code pages cannot read the whole file"
        return EncodingGuess(reading.encoding, 0, f"not UTF-8: {note}", found.unsure or position > 0, others)
    assert first_failure is not None
    raise _failure_error(first_failure, found.encoding)


def _unsure_error(head: bytes, guess: EncodingGuess) -> EncodingUnsureError:
    at = next(i for i, b in enumerate(head) if b >= 0x80)  # the guess exists because a non-ASCII byte does
    line = line_of_offset(head, at)
    others = " or ".join(encoding_label(e) for e in guess.alternatives[:2])
    choices = f" (it could also be {others})" if others else ""
    return EncodingUnsureError(
        f"Line {line}: byte 0x{head[at]:02X} at offset {at:,} is not UTF-8, and the file's encoding cannot be told "
        f"for sure: it reads best as {guess.label}{choices}. Nothing was imported; choose the encoding "
        f"(for example recipro import --encoding {guess.encoding}) after checking the names.",
        guess,
        line=line,
        offset=at,
    )


def user_encoding(name: str, head: bytes) -> EncodingGuess:
    """The encoding a user chose (E3 override), with the BOM skipped when the file has the matching one.

    Any alias Python knows is accepted ("windows-1251", "CP1251", "shift_jis" → itself); the ones of
    :data:`ENCODINGS` come back under their key so they show with their name.

    Raises:
        CsvError: not an encoding at all (the message lists the usual ones).
    """
    found = bom_encoding(head)
    wanted = name.strip().lower()
    try:
        codec = codecs.lookup(wanted).name
    except LookupError:
        raise CsvError(f"Unknown encoding {name!r}. Use one of: {', '.join(e for e in ENCODINGS)}.") from None
    if wanted not in ("utf-16", "utf-8-sig"):
        wanted = next((key for key in ENCODINGS if codecs.lookup(key).name == codec), wanted)
    if wanted == "utf-8-sig":
        wanted = "utf-8"
    if wanted == "utf-16":
        if found is not None and found.encoding.startswith("utf-16"):
            return found
        wide = _utf16_without_bom(head) or "utf-16-le"
        return EncodingGuess(wide, 0, "chosen by you")
    if found is not None and found.encoding == wanted:
        return EncodingGuess(wanted, found.bom, "chosen by you")
    if wanted == "utf-8" and found is not None and found.encoding == "utf-8":
        return found
    return EncodingGuess(wanted, 0, "chosen by you")


# --- header line and delimiter ----------------------------------------------------------------------------


def sniff_delimiter(header_line: str) -> str | None:
    """The delimiter of a file, from its header line only (E4).

    Counts ``,`` ``;`` tab and ``|`` outside quotes. A header without any of them is a single column (``,``);
    a tie between two candidates returns None: the caller asks the user instead of guessing.
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for c in header_line.rstrip("\r\n"):
        if c == '"':
            quoted = not quoted
        elif not quoted and c in counts:
            counts[c] += 1
    best = max(counts.values())
    if best == 0:
        return ","
    winners = [d for d, n in counts.items() if n == best]
    return winners[0] if len(winners) == 1 else None


_PREAMBLE_FIRST = re.compile(r"^\s*notes\s*:?\s*$", re.IGNORECASE)


def header_index(lines: Sequence[str]) -> int:
    """Index of the header among the first physical lines of a file.

    LinkedIn's ``Connections.csv`` starts with ``Notes:``, a quoted paragraph and a blank line before the real
    header; other files start with their header (blank lines before it are skipped).

    Raises:
        CsvError: no header line among the lines given.
    """
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and _PREAMBLE_FIRST.match(lines[i]):
        j = i + 1
        while j < len(lines) and lines[j].strip():
            j += 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j < len(lines):
            return j
        raise CsvError("The file starts with a 'Notes:' preamble but no header line follows it.", line=i + 1)
    if i >= len(lines):
        raise CsvError("No data rows found: the file holds only blank lines.")
    return i


# --- formats and fields -----------------------------------------------------------------------------------


class CsvFormat(enum.StrEnum):
    RECIPRO = "recipro"
    LINKEDIN = "linkedin"
    GOOGLE = "google"
    OUTLOOK = "outlook"
    GENERIC = "generic"


FORMAT_LABELS = {
    CsvFormat.RECIPRO: "Recipro export",
    CsvFormat.LINKEDIN: "LinkedIn connections",
    CsvFormat.GOOGLE: "Google Contacts",
    CsvFormat.OUTLOOK: "Outlook contacts",
    CsvFormat.GENERIC: "Other CSV (map the columns yourself)",
}


class DateOrder(enum.StrEnum):
    """How to read a date written with slashes or dashes and the year last (``03/04/2024``)."""

    AUTO = "auto"
    DMY = "dmy"
    MDY = "mdy"
    YMD = "ymd"


DATE_ORDER_LABELS = {
    DateOrder.AUTO: "Automatic (ISO dates, written-out months; ask when ambiguous)",
    DateOrder.DMY: "Day/Month/Year (31/12/2024)",
    DateOrder.MDY: "Month/Day/Year (12/31/2024)",
    DateOrder.YMD: "Year-Month-Day (2024-12-31)",
}


class FieldKind(enum.Enum):
    TEXT = "text"
    LINE = "line"  # single-line text
    LIST = "list"
    DATE = "date"
    BIRTHDAY = "birthday"
    INT = "int"
    BOOL = "bool"
    ID = "id"


@dataclass(frozen=True, slots=True)
class ContactField:
    """A field a contact column can be imported as."""

    key: str
    label: str
    kind: FieldKind
    multi: bool = False  # several columns may feed it (emails 1-3; address parts)


IGNORE = ""
"""The mapping value of a column that is not imported."""

CONTACT_FIELDS: tuple[ContactField, ...] = (
    ContactField("display_name", "Name (full name)", FieldKind.LINE),
    ContactField("given_name", "First name", FieldKind.LINE),
    ContactField("middle_name", "Middle name", FieldKind.LINE),
    ContactField("family_name", "Last name", FieldKind.LINE),
    ContactField("organisation", "Organisation", FieldKind.LINE),
    ContactField("role", "Role / job title", FieldKind.LINE),
    ContactField("emails", "Email", FieldKind.LIST, multi=True),
    ContactField("phones", "Phone", FieldKind.LIST, multi=True),
    ContactField("links", "Link / website", FieldKind.LIST, multi=True),
    ContactField("location", "Location / address", FieldKind.LINE, multi=True),
    ContactField("tags", "Tags / labels", FieldKind.LIST, multi=True),
    ContactField("how_met", "How we met", FieldKind.TEXT),
    ContactField("met_on", "Met on (date)", FieldKind.DATE),
    ContactField("birthday", "Birthday", FieldKind.BIRTHDAY),
    ContactField("cadence_days", "Keep in touch every (days)", FieldKind.INT),
    ContactField("can_help_with", "Can help with", FieldKind.LIST, multi=True),
    ContactField("notes", "Notes", FieldKind.TEXT, multi=True),
    ContactField("archived", "Archived (yes/no)", FieldKind.BOOL),
    ContactField("id", "Recipro id", FieldKind.ID),
)
FIELDS_BY_KEY: dict[str, ContactField] = {f.key: f for f in CONTACT_FIELDS}
NAME_FIELDS = frozenset({"display_name", "given_name", "middle_name", "family_name"})

_ALIASES: dict[str, tuple[str, ...]] = {
    "display_name": (
        "name", "full name", "fullname", "display name", "contact", "contact name", "person", "formatted name",
        "nom complet", "vollständiger name", "anzeigename", "nombre completo", "nome completo", "volledige naam",
        "weergavenaam", "naam", "imię i nazwisko", "姓名", "氏名", "名前",
    ),
    "given_name": (
        "first name", "firstname", "given name", "givenname", "forename", "first", "vorname", "prénom", "prenom",
        "nombre", "nome", "voornaam", "imię", "imie", "名",
    ),
    "middle_name": (
        "middle name", "additional name", "second name", "zweiter vorname", "weitere vornamen", "deuxième prénom",
        "segundo nombre", "secondo nome", "tussenvoegsel",
    ),
    "family_name": (
        "last name", "lastname", "family name", "familyname", "surname", "last", "nachname", "familienname", "nom",
        "nom de famille", "apellido", "apellidos", "cognome", "sobrenome", "apelido", "achternaam", "nazwisko", "姓",
    ),
    "organisation": (
        "company", "company name", "organisation", "organization", "organisation name", "organization name",
        "organization - name", "org", "employer", "firma", "unternehmen", "organisation (firma)", "entreprise",
        "société", "societe", "empresa", "compañía", "compania", "azienda", "società", "societa", "bedrijf",
        "organisatie", "werkgever",
    ),
    "role": (
        "job title", "jobtitle", "position", "role", "title", "organization title", "organization - title",
        "occupation", "beruf", "funktion", "position (de)", "poste", "fonction", "titre du poste", "cargo",
        "puesto", "ruolo", "qualifica", "mansione", "functie", "stanowisko",
    ),
    "emails": (
        "email", "e-mail", "e mail", "email address", "e-mail address", "emailaddress", "mail", "work email",
        "home email", "other email", "correo", "correo electrónico", "correo electronico", "courriel",
        "adresse e-mail", "adresse email", "e-mail-adresse", "email-adresse", "posta elettronica",
        "indirizzo email", "indirizzo e-mail", "e-mailadres", "emailadres", "adres e-mail",
    ),
    "phones": (
        "phone", "phone number", "telephone", "telephone number", "tel", "mobile", "mobile phone", "cell",
        "cell phone", "business phone", "home phone", "work phone", "other phone", "primary phone", "telefon",
        "telefonnummer", "handy", "mobil", "mobiltelefon", "téléphone", "telephone portable", "portable",
        "teléfono", "telefono", "móvil", "movil", "celular", "cellulare", "telefoon", "telefoonnummer", "mobiel",
        "telefon komórkowy", "numer telefonu",
    ),
    "links": (
        "url", "website", "web site", "web page", "webpage", "homepage", "home page", "linkedin", "linkedin url",
        "profile url", "profile", "webseite", "site web", "sitio web", "página web", "sito web", "sito",
        "strona www",
    ),
    "location": (
        "location", "city", "town", "address", "country", "region", "address - formatted", "address - city",
        "address - country", "home city", "business city", "home address", "business address", "ort", "stadt",
        "wohnort", "adresse", "anschrift", "land", "ville", "lieu", "pays", "ciudad", "dirección", "direccion",
        "país", "pais", "città", "citta", "indirizzo", "paese", "plaats", "stad", "woonplaats", "adres",
        "miasto", "kraj",
    ),
    "tags": (
        "tags", "tag", "labels", "label", "groups", "group", "group membership", "categories", "category",
        "kategorien", "kategorie", "gruppen", "schlagwörter", "étiquettes", "etiquettes", "catégories",
        "categories (fr)", "etiquetas", "categorías", "categorias", "grupos", "etichette", "categorie", "gruppi",
        "groepen", "tagi", "kategorie (pl)",
    ),
    "how_met": ("how we met", "how met", "how i know them", "met how", "kennengelernt", "rencontré comment"),
    "met_on": (
        "connected on", "met on", "date met", "first met", "met", "connected", "since", "verbunden am",
        "kennengelernt am",
    ),
    "birthday": (
        "birthday", "birth date", "birthdate", "date of birth", "dob", "born", "geburtstag", "geburtsdatum",
        "anniversaire", "date de naissance", "cumpleaños", "cumpleanos", "fecha de nacimiento", "compleanno",
        "data di nascita", "aniversário", "aniversario", "data de nascimento", "verjaardag", "geboortedatum",
        "urodziny", "data urodzenia",
    ),
    "cadence_days": ("keep in touch every (days)", "keep in touch days", "cadence", "cadence days", "cadence_days"),
    "can_help_with": (
        "can help with", "skills", "expertise", "offers", "kompetenzen", "fähigkeiten", "compétences",
        "competences", "habilidades", "competencias", "competenze", "vaardigheden",
    ),
    "notes": (
        "notes", "note", "comments", "comment", "remarks", "description", "memo", "bio", "about", "notizen",
        "notiz", "bemerkungen", "anmerkungen", "kommentar", "remarques", "commentaires", "notas", "comentarios",
        "observaciones", "commenti", "notities", "opmerkingen", "notatki", "uwagi",
    ),
    "archived": ("archived", "archiviert", "archivé"),
    "id": ("id", "uuid", "recipro id", "contact id"),
}  # fmt: skip

_ALIAS_INDEX: dict[str, str] = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}

# Per-format meaning of headers that differ from the general aliases.
_FORMAT_OVERRIDES: dict[CsvFormat, dict[str, str]] = {
    CsvFormat.OUTLOOK: {"title": IGNORE, "suffix": IGNORE, "nickname": IGNORE, "department": IGNORE},
    CsvFormat.GOOGLE: {
        "name": "display_name",
        "file as": "display_name",
        "name prefix": IGNORE,
        "name suffix": IGNORE,
        "nickname": IGNORE,
        "organization - department": IGNORE,
        "address - city": IGNORE,  # "Address 1 - Formatted" already holds the city
        "address - country": IGNORE,
        "address - street": IGNORE,
        "address - region": IGNORE,
        "address - postal code": IGNORE,
        "address - po box": IGNORE,
        "address - extended address": IGNORE,
    },
    CsvFormat.LINKEDIN: {"url": "links", "position": "role", "company": "organisation"},
}

_NUMBERING = re.compile(r"(?<![a-z])\d+(?![a-z])")
_SPACES = re.compile(r"\s+")
_LABEL_COLUMN = re.compile(r" - (type|label)$")


def normalise_header(header: str) -> str:
    """The key a header is matched on (E10): NFC, trimmed, casefolded, ``_`` as space, numbering dropped.

    ``"E-mail 2 - Value"`` → ``"e-mail"``; ``"Organization 1 - Name"`` → ``"organization - name"``;
    ``" Name "`` → ``"name"``. A BOM or stray zero-width character at the ends is dropped too.
    """
    text = unicodedata.normalize("NFC", header).replace("\ufeff", "").replace("\u200b", "")
    text = _SPACES.sub(" ", text.replace("_", " ")).strip().casefold().rstrip(":*").strip()
    text = re.sub(r" - value$", "", text)
    text = _NUMBERING.sub(" ", text)
    text = _SPACES.sub(" ", text).replace(" -", " -").strip()
    text = re.sub(r"\s+-\s+", " - ", text)
    return text


def field_for_header(header: str, fmt: CsvFormat = CsvFormat.GENERIC) -> str | None:
    """The contact field a header means (a key of :data:`FIELDS_BY_KEY`), ``IGNORE``, or None if unknown."""
    raw = unicodedata.normalize("NFC", header).strip().casefold()
    if _LABEL_COLUMN.search(raw):
        return IGNORE  # Google's "E-mail 1 - Type" / "Phone 1 - Label": the kind of the value, not a value
    key = normalise_header(header)
    overrides = _FORMAT_OVERRIDES.get(fmt, {})
    if key in overrides:
        return overrides[key]
    found = _ALIAS_INDEX.get(key)
    if found is None and key.startswith("address - "):
        found = "location" if key == "address - formatted" else None
    return found


def detect_format(headers: Sequence[str]) -> CsvFormat:
    """Which known format a header row belongs to."""
    if any(h == MARKER_COLUMN for h in headers):
        return CsvFormat.RECIPRO
    keys = {normalise_header(h) for h in headers}
    raw = {unicodedata.normalize("NFC", h).strip().casefold() for h in headers}
    if {"first name", "last name", "connected on"} <= keys:
        return CsvFormat.LINKEDIN
    google_numbered = any(re.fullmatch(r"(e-mail|phone|website|address|organization) \d+ - \w.*", h) for h in raw)
    if google_numbered or ("group membership" in keys and "given name" in keys) or {"labels", "first name"} <= keys:
        return CsvFormat.GOOGLE
    outlook_markers = {"e-mail address", "mobile phone", "business phone", "job title", "categories"}
    if {"first name", "last name"} <= keys and len(keys & outlook_markers) >= 2:
        return CsvFormat.OUTLOOK
    return CsvFormat.GENERIC


def auto_map(headers: Sequence[str], fmt: CsvFormat = CsvFormat.GENERIC) -> dict[int, str]:
    """Column index → contact field for every header that matches an alias (E10).

    A single-value field is given to the first column that matches it; later columns with the same meaning are
    left unmapped (and so listed as "not imported"), never silently merged. Multi-value fields (emails, phones,
    address parts, notes) take every matching column.
    """
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        if header == MARKER_COLUMN:
            continue
        key = field_for_header(header, fmt)
        if not key:
            continue
        spec = FIELDS_BY_KEY[key]
        if not spec.multi and key in taken:
            continue
        mapping[index] = key
        taken.add(key)
    return mapping


def duplicate_headers(headers: Sequence[str]) -> list[tuple[int, ...]]:
    """Groups of column indexes whose headers are equal after trimming and casefolding (E9)."""
    groups: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        key = _SPACES.sub(" ", unicodedata.normalize("NFC", header)).strip().casefold()
        if key:
            groups.setdefault(key, []).append(index)
    return [tuple(g) for g in groups.values() if len(g) > 1]


@dataclass(frozen=True, slots=True)
class MappingCheck:
    """What is wrong or worth saying about a column mapping (E9, E10)."""

    errors: tuple[str, ...] = ()
    ignored: tuple[int, ...] = ()  # columns not imported

    @property
    def ok(self) -> bool:
        return not self.errors


def column_name(index: int, headers: Sequence[str]) -> str:
    """How messages refer to a column: its number, and its header when it has one."""
    header = headers[index].strip() if index < len(headers) else ""
    return f"column {index + 1} ({header})" if header else f"column {index + 1}"


def check_mapping(mapping: Mapping[int, str], headers: Sequence[str]) -> MappingCheck:
    """A mapping is usable when some column gives a name and no single-value field has two columns."""
    errors: list[str] = []
    by_field: dict[str, list[int]] = {}
    for index, key in sorted(mapping.items()):
        if key:
            by_field.setdefault(key, []).append(index)
    if not by_field.keys() & (NAME_FIELDS | {"organisation", "emails"}):
        errors.append("Choose which column holds the name (Name, First name or Last name) to continue.")
    for key, columns in by_field.items():
        spec = FIELDS_BY_KEY.get(key)
        if spec is None:
            errors.append(f"Unknown field for {column_name(columns[0], headers)}.")
        elif not spec.multi and len(columns) > 1:
            names = " and ".join(column_name(c, headers) for c in columns)
            errors.append(f"{names} are both imported as {spec.label}: choose one.")
    ignored = tuple(i for i in range(len(headers)) if not mapping.get(i) and headers[i] != MARKER_COLUMN)
    return MappingCheck(tuple(errors), ignored)


# --- values -----------------------------------------------------------------------------------------------


class ValueProblem(ValueError):
    """A cell that cannot be read as its field's type; the message names the problem, never the value."""


_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan january januar janvier janv enero ene gennaio gen januari janeiro stycz",
        "feb february februar février fevrier févr fevr febrero febbraio februari fevereiro fev luty",
        "mar march märz maerz mär mrz mars marzo maart março marco",
        "apr april avril avr abril abr aprile",
        "may mai mayo maggio mag mei maio",
        "jun june juni juin junio giugno giu junho",
        "jul july juli juillet juil julio luglio lug julho",
        "aug august août aout agosto ago augustus",
        "sep sept september septembre septiembre settembre set setembro",
        "oct october oktober okt octobre octubre ottobre ott outubro out",
        "nov november novembre noviembre novembro",
        "dec december dezember dez décembre decembre déc diciembre dic dicembre dezembro",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)

_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_WORD_DATE_DMY = re.compile(r"^(\d{1,2})\.?[\s-]+([^\W\d_]+)\.?,?[\s-]+(\d{4})$")
_WORD_DATE_MDY = re.compile(r"^([^\W\d_]+)\.?[\s-]+(\d{1,2})(?:st|nd|rd|th)?,?[\s-]+(\d{4})$")
_NO_YEAR_ISO = re.compile(r"^--(\d{1,2})-?(\d{1,2})$")
_NO_YEAR_WORD = re.compile(r"^(\d{1,2})\.?\s+([^\W\d_]+)\.?$|^([^\W\d_]+)\.?\s+(\d{1,2})$")
_NO_YEAR_DOTS = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?$")


def _month(word: str) -> int:
    number = _MONTHS.get(word.casefold().rstrip("."))
    if number is None:
        raise ValueProblem("unknown month name")
    return number


def _real_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueProblem("not a real calendar date") from None


def _numeric(first: int, sep: str, second: int, year: int, order: DateOrder) -> date:
    if sep == ".":
        return _real_date(year, second, first)  # 31.12.2024 is day.month.year everywhere it is written
    if order is DateOrder.DMY:
        return _real_date(year, second, first)
    if order is DateOrder.MDY:
        return _real_date(year, first, second)
    if first > 12 >= second:
        return _real_date(year, second, first)
    if second > 12 >= first:
        return _real_date(year, first, second)
    if first == second:
        return _real_date(year, first, second)
    raise ValueProblem("ambiguous date (day/month or month/day?): choose the date format in the column mapping")


def parse_date(text: str, order: DateOrder = DateOrder.AUTO) -> date | None:
    """A date from a cell (E17); None for an empty cell.

    ISO-8601 (``2024-03-15``, also with a time) first; ``15 Mar 2023`` (LinkedIn), ``March 15, 2023``,
    ``15.03.2024``; ``03/04/2024`` only with ``order`` (or when one part is above 12).

    Raises:
        ValueProblem: not a date, not a real date (``2024-02-30``), or ambiguous.
    """
    value = text.strip().removeprefix("'").strip()  # a spreadsheet's "keep as text" quote
    if not value:
        return None
    m = _ISO_DATE.match(value)
    if m:
        return _real_date(int(m[1]), int(m[2]), int(m[3]))
    m = _NUMERIC_DATE.match(value)
    if m:
        return _numeric(int(m[1]), m[2], int(m[3]), int(m[4]), order)
    m = _WORD_DATE_DMY.match(value)
    if m:
        return _real_date(int(m[3]), _month(m[2]), int(m[1]))
    m = _WORD_DATE_MDY.match(value)
    if m:
        return _real_date(int(m[3]), _month(m[1]), int(m[2]))
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}", value):
        raise ValueProblem("two-digit year: write the year with four digits")
    raise ValueProblem("not a date this importer understands (use YYYY-MM-DD)")


_EMPTY_BIRTHDAYS = frozenset({"0/0/00", "0/0/0000", "00/00/0000", "0000-00-00", "--"})


def parse_birthday(text: str, order: DateOrder = DateOrder.AUTO) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) from a birthday cell; None when empty (Outlook writes ``0/0/00`` for none).

    Besides every form of :func:`parse_date`: ``--04-12`` (Google/vCard, no year), ``12 Apr``, ``Apr 12``,
    ``12.04.``.

    Raises:
        ValueProblem: not a birthday (the message says why).
    """
    value = text.strip().removeprefix("'").strip()  # a spreadsheet's "keep as text" quote
    if not value or value in _EMPTY_BIRTHDAYS:
        return None
    m = _NO_YEAR_ISO.match(value)
    if m:
        return _no_year(int(m[1]), int(m[2]))
    m = _NO_YEAR_WORD.match(value)
    if m:
        if m[1] is not None:
            return _no_year(_month(m[2]), int(m[1]))
        return _no_year(_month(m[3]), int(m[4]))
    m = _NO_YEAR_DOTS.match(value)
    if m:
        return _no_year(int(m[2]), int(m[1]))
    found = parse_date(value, order)
    assert found is not None
    return found.month, found.day, found.year


def _no_year(month: int, day: int) -> tuple[int, int, None]:
    _real_date(2000, month, day)  # a leap year: Feb 29 is a valid birthday without a year
    return month, day, None


def infer_date_order(values: Iterable[str]) -> DateOrder | None:
    """The day/month order a column's slash dates imply: a part above 12 decides (E17).

    Returns ``DMY``/``MDY`` when the column shows it, None when every value is ambiguous or the column holds no
    such dates, and raises when both orders appear (the column is inconsistent).

    Raises:
        ValueProblem: one value needs day-first and another month-first.
    """
    day_first = month_first = False
    for text in values:
        m = _NUMERIC_DATE.match(text.strip())
        if not m or m[2] == ".":
            continue
        first, second = int(m[1]), int(m[3])
        day_first = day_first or first > 12 >= second
        month_first = month_first or second > 12 >= first
    if day_first and month_first:
        raise ValueProblem("the column mixes day/month and month/day dates")
    if day_first:
        return DateOrder.DMY
    if month_first:
        return DateOrder.MDY
    return None


_WHOLE = re.compile(r"^\s*\+?(\d{1,9})(?:[.,]0+)?\s*$")


def parse_int(text: str) -> int | None:
    """A whole number (``12``, ``12.0``); None for an empty cell.

    Raises:
        ValueProblem: anything else, such as ``1.234,5`` (E17).
    """
    if not text.strip():
        return None
    m = _WHOLE.match(text)
    if not m:
        raise ValueProblem("not a whole number")
    return int(m[1])


_TRUE = frozenset({"true", "yes", "y", "1", "x", "ja", "oui", "sí", "si", "sim", "tak", "wahr", "vrai", "verdadero"})
_FALSE = frozenset({"false", "no", "n", "0", "nein", "non", "não", "nao", "nie", "falsch", "faux", "falso", ""})


def parse_bool(text: str) -> bool:
    """Yes/no in the usual spellings; an empty cell is "no".

    Raises:
        ValueProblem: neither yes nor no.
    """
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueProblem("not yes or no")


_LIST_SPLIT = {
    "emails": re.compile(r"\s*(?::::|[;,\n\r]|\s)\s*"),
    "phones": re.compile(r"\s*(?::::|[;\n\r])\s*"),
    "links": re.compile(r"\s*(?::::|[;\n\r]|\s)\s*"),
    "tags": re.compile(r"\s*(?::::|[;,\n\r])\s*"),
    "can_help_with": re.compile(r"\s*(?::::|[;,\n\r])\s*"),
}
_GOOGLE_SYSTEM_LABEL = re.compile(r"^\*\s")


def split_list(text: str, key: str) -> list[str]:
    """The values of a multi-value cell: ``a@x.org; b@y.org``, Google's ``a ::: b``, Outlook's ``x;y``.

    Items are trimmed; empty items and repeats (case-insensitive) are dropped; Google's system labels
    (``* myContacts``, ``* starred``) are not tags.
    """
    pattern = _LIST_SPLIT.get(key, _LIST_SPLIT["tags"])
    out: list[str] = []
    seen: set[str] = set()
    for part in pattern.split(text):
        item = part.strip()
        if not item or (key == "tags" and _GOOGLE_SYSTEM_LABEL.match(item)):
            continue
        folded = item.casefold()
        if folded not in seen:
            seen.add(folded)
            out.append(item)
    return out


# --- formula injection (OWASP) and its exact inverse ------------------------------------------------------

COMPATIBLE_TRIGGERS = frozenset(
    "\uff1d\ufe66\u207c\u208c\u2a75\u2a76"  # full-width, small, superscript, subscript equals; "==", "==="
    "\uff0b\ufe62\u207a\u208a\ufb29"  # full-width, small, superscript, subscript plus; Hebrew alternative plus
    "\uff0d\ufe63"  # full-width and small hyphen-minus
    "\uff20\ufe6b"  # full-width and small commercial at
)
"""Every character whose Unicode compatibility form (NFKC) starts with ``=`` ``+`` ``-`` or ``@`` (issue 11, I16):
``＝1+1`` becomes a formula in any program that normalises text on the way in (NFKC clean-up, Excel's ASC(), a
Japanese IME's half-width conversion). U+2212 MINUS SIGN and the dashes are not compatibility forms of ``-`` and
no spreadsheet is known to start a formula with them, so they are left alone. A test checks the list against the
Unicode database."""

FORMULA_TRIGGERS = frozenset("=+-@\t\r\x00") | COMPATIBLE_TRIGGERS
"""Characters that make a spreadsheet evaluate a cell (OWASP CSV Injection: ``= + - @``, tab, CR), NUL (OWASP
ASVS), and their compatibility forms (:data:`COMPATIBLE_TRIGGERS`)."""

_LEADING_BLANKS = frozenset(c for c in map(chr, range(0x3000 + 1)) if c.isspace() and c not in "\r\n\t") | frozenset(
    "\u200b\u200c\u200d\u2060\ufeff"
)
_LINE_BREAK = re.compile(r"\n|\r(?!\n)")


def _line_starts(text: str) -> list[int]:
    """Positions where a line of a (multi-line) cell starts: 0 and after every LF, CRLF or lone CR."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def _needs_quote_prefix(text: str, start: int) -> bool:
    if start >= len(text):
        return False
    first = text[start]
    if first == "'" or first in FORMULA_TRIGGERS:
        return True
    i = start
    while i < len(text) and text[i] in _LEADING_BLANKS:
        i += 1
    return i > start and i < len(text) and text[i] in FORMULA_TRIGGERS


def defuse(text: str) -> str:
    """``text`` made safe to open in a spreadsheet (F1): ``'`` before every line that starts with a formula
    trigger (optionally after blanks such as spaces or NBSP) or with ``'`` itself.

    Prefixing lines that already start with ``'`` is what makes :func:`undefuse` an exact inverse (F2).
    """
    if not text:
        return text
    if "\n" not in text and "\r" not in text:
        return "'" + text if _needs_quote_prefix(text, 0) else text
    starts = [s for s in _line_starts(text) if _needs_quote_prefix(text, s)]
    if not starts:
        return text
    parts: list[str] = []
    previous = 0
    for start in starts:
        parts.append(text[previous:start])
        parts.append("'")
        previous = start
    parts.append(text[previous:])
    return "".join(parts)


def undefuse(text: str) -> str:
    """The inverse of :func:`defuse`: one ``'`` removed from the start of every line that has one.

    Only for files bearing :data:`MARKER_COLUMN` (E16): in anyone else's file a leading ``'`` is the user's.
    """
    if "'" not in text:
        return text
    if "\n" not in text and "\r" not in text:
        return text[1:] if text.startswith("'") else text
    starts = [s for s in _line_starts(text) if text.startswith("'", s)]
    if not starts:
        return text
    parts: list[str] = []
    previous = 0
    for start in starts:
        parts.append(text[previous:start])
        previous = start + 1
    parts.append(text[previous:])
    return "".join(parts)


def starts_with_trigger(text: str) -> bool:
    """Whether any line of a cell would be evaluated by a spreadsheet (what :func:`defuse` guards against)."""
    return any(_needs_quote_prefix(text, s) and text[s] != "'" for s in _line_starts(text))


# --- cell hygiene (E14, E18) ------------------------------------------------------------------------------

_CONTROL_TABLE = dict.fromkeys(c for c in range(0x20) if chr(c) not in "\t\n\r") | {0x7F: None}


@dataclass(frozen=True, slots=True)
class CellCheck:
    """A cleaned cell and what was removed from it (for the row's report)."""

    text: str
    removed_nul: bool = False
    removed_controls: bool = False


_REMOVED_CONTROLS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_cell(text: str) -> CellCheck:
    """``text`` without NUL, DEL and C0 controls other than tab/CR/LF (E14), saying what was removed."""
    nul = "\x00" in text
    others = _REMOVED_CONTROLS.search(text) is not None
    if not nul and not others:
        return CellCheck(text)
    return CellCheck(text.translate(_CONTROL_TABLE), removed_nul=nul, removed_controls=others)


@dataclass(frozen=True, slots=True)
class HeaderInfo:
    """A parsed header row: the column names and what is odd about them."""

    names: tuple[str, ...]
    duplicates: tuple[tuple[int, ...], ...] = field(default=())
    has_marker: bool = False


def header_info(cells: Sequence[str]) -> HeaderInfo:
    """Header cells cleaned of a stray BOM and controls, with duplicate groups (E9) and the marker (F2)."""
    names = tuple(clean_cell(c.replace("\ufeff", "")).text for c in cells)
    return HeaderInfo(names, tuple(duplicate_headers(names)), MARKER_COLUMN in names)


def now_stamp(moment: datetime) -> str:
    """``YYYYMMDD-HHMMSS`` for file names (local time of ``moment``)."""
    return moment.strftime("%Y%m%d-%H%M%S")
