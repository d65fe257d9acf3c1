"""Which legacy code page a CSV file that is not UTF-8 was written in (issue 10; RELIABILITY E3).

Windows programs (Excel's plain "CSV", Outlook's "Comma Separated Values") write the machine's *ANSI code page*:
Windows-1251 on a Russian, Ukrainian or Bulgarian Windows, Windows-1250 in Poland, Czechia or Hungary, Shift-JIS
(cp932) in Japan, Windows-1252 in the West; old Mac Excel wrote Mac Roman, some Unix tools ISO-8859-2. Nothing in
the bytes says which: nearly every byte decodes in every single-byte code page, so a wrong choice silently turns
"Анна Иванова" into "Àííà Èâàíîâà". The caller (:func:`core.csv_formats.detect_encoding`) settles byte-order marks,
UTF-16 and valid UTF-8 first; only files with non-UTF-8 bytes come here.

How the choice is made: every candidate of :data:`AUTO_ENCODINGS` that decodes the sample strictly is read, and
each *distinct* reading gets an implausibility score from :func:`implausibility` — points for what real text
does not contain: control characters, a symbol glued inside a word (``Wi¶niewski``, ``£ukasz``), an accented
capital in the middle of a lower-case word (``LefËvre``), Latin and Cyrillic letters in one word, accented letters
that no single language uses together (``Jiøí`` mixes Danish and Czech). The least implausible reading wins;
charset-normalizer's ranking breaks exact ties, then the system code page (Windows only, a hint: the file may
come from someone else's machine), then :data:`AUTO_ENCODINGS` order. The result is *unsure* when the winner
still looks odd or a different reading is nearly as plausible; callers then show it and ask (the wizard) or refuse
without ``--encoding`` (the CLI).

Measured on the corpus in ``tests/core/encoding_corpus.py`` (81 non-UTF-8 contact exports: Russian, Ukrainian,
Bulgarian in cp1251; Polish, Czech, Hungarian in cp1250 and ISO-8859-2; Japanese in cp932; French, German,
Spanish, Swedish in cp1252 and Mac Roman; Turkish cp1254, Greek cp1253, Lithuanian cp1257; 1 to 5 rows each,
Outlook and plain spreadsheet shapes; ``uv run python -m tests.core.encoding_accuracy``), right readings out of 81:

====================================================  ===============  =====================================
method                                                right (unsure)   wrong and *sure* (silent mojibake)
====================================================  ===============  =====================================
0.1's rule (strict UTF-8, else cp1252)                6                75 (cp932 files raised an error)
charset-normalizer ``from_bytes().best()``            51               30 (it has no "unsure")
charset-normalizer limited to AUTO_ENCODINGS          61               20
the system code page, file made on the same machine   67               14 (every Mac Roman and ISO-8859-2)
the system code page, file from a Western Windows     6                75
this module, no hint (Linux, macOS)                   81 (6)           0
this module, hint from the same machine               81 (6)           0
this module, wrong hint (cp1252 for every file)       79 (4)           0 (the 2 misses are flagged unsure)
====================================================  ===============  =====================================

The 6 unsure files are one- and two-row Hungarian ones where only "Őrség"/"Könyvelő" tell Windows-1250 from
Windows-1252 ("Õrség" is good Portuguese). Every file of three rows or more is read right and sure. Cost: about
2 ms per small file; on a 40 MB file the guess on its first 256 KB takes 50-190 ms and the strict check of the
whole file with the winner ~0.2 s, on the import worker (a UTF-8 file of that size: 0.1 s).

charset-normalizer is good at scripts (Cyrillic, Greek, Japanese) but on a few rows of Latin-script text it
cannot tell Windows-1250 from 1252, 1257 or 1258 (its coherence scores differ by a few percent); the system code
page is right only when the file was made on the same machine. Pure functions; charset-normalizer is imported
lazily (it costs ~65 ms to import, and only non-UTF-8 files with a tie need it).
"""

from __future__ import annotations

import codecs
import locale
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

AUTO_ENCODINGS = ("cp1252", "cp1250", "cp1251", "cp932", "iso-8859-2", "cp1254", "cp1257", "cp1253", "mac_roman")
"""The code pages tried automatically, most common first (the last tie-breaker). Latin-1 is never guessed (it
decodes every byte, mostly into invisible control characters); other code pages can be chosen by the user."""

SAMPLE_BYTES = 256 * 1024
"""The head of a file the guess is made on (the whole file is then checked strictly with the winner)."""

SCORE_CHARS = 16 * 1024
"""At most this many characters of non-ASCII lines are scored per candidate (keeps a big file's guess cheap)."""

UNSURE_MARGIN = 3.0
"""A different reading within this many implausibility points of the best makes the guess unsure."""

_LATIN_ALPHABETS: dict[str, str] = {
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "hu": "áéíóöőúüű",
    "sl-hr": "čćđšž",
    "ro": "ăâîșțşţ",
    "sq": "çë",
    "de": "äöüß",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "es": "áéíñóúü",
    "pt": "áâãàçéêíóôõú",
    "it": "àèéìíîòóùú",
    "ca": "àçèéíïòóúü",
    "nl": "áéíóúàèëïöüç",
    "sv-fi": "åäöéšž",
    "da-no": "æøåé",
    "is": "áðéíóúýþæö",
    "tr": "çğıöşüâîû",
    "lt": "ąčęėįšųūž",
    "lv": "āčēģīķļņšūž",
    "et": "äöõüšž",
}
"""The accented lower-case letters of each Latin-script language (ASCII letters are common to all)."""

_QUOTES = set("«»„“”‘’‚‹›")
_BEFORE_WORD_OK = _QUOTES | set("¿¡")
_AFTER_WORD_OK = _QUOTES | set("…®™°²³")
_INSIDE_WORD_OK = set("’ʼ·\u00ad")  # an apostrophe (l’entretien, п’ятниці), Catalan l·l, a soft hyphen

_ONE_LETTER_WORDS = set("àèéóőò")
"""Accented letters that are words on their own (French à, Italian è, Portuguese é, Hungarian ő...)."""

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of reading the bytes: the code page, and how implausible the text it gives is (0 = ordinary)."""

    encoding: str
    cost: float


@dataclass(frozen=True, slots=True)
class Detection:
    """The code page chosen for a non-UTF-8 file.

    Attributes:
        encoding: the winner (a key of :data:`AUTO_ENCODINGS`).
        unsure: True when the winner still looks odd or another reading is nearly as plausible: show the user.
        readings: every distinct reading, best first (the winner first); code pages that give the same text as a
            better one are left out.
        reason: a short sentence for the user ("the most plausible reading", "by the system code page"...).
    """

    encoding: str
    unsure: bool
    readings: tuple[Reading, ...]
    reason: str

    @property
    def runners_up(self) -> tuple[str, ...]:
        return tuple(r.encoding for r in self.readings[1:])


def canonical(name: str) -> str | None:
    """The key of :data:`AUTO_ENCODINGS` that ``name`` is an alias of ("windows-1251" → "cp1251"), or None."""
    try:
        wanted = codecs.lookup(name).name
    except LookupError:
        return None
    for key in AUTO_ENCODINGS:
        if codecs.lookup(key).name == wanted:
            return key
    return None


def system_code_page() -> str | None:
    """The Windows ANSI code page when it is one of :data:`AUTO_ENCODINGS`, else None (every other system).

    Linux and macOS report UTF-8, which says nothing about a legacy file; a Windows set to "Beta: use UTF-8"
    reports cp65001, likewise no hint. ``ctypes.windll`` exists only on Windows and is imported only there.
    """
    if sys.platform != "win32":
        return None
    try:
        import ctypes

        name = f"cp{ctypes.windll.kernel32.GetACP()}"
    except (AttributeError, OSError):  # pragma: no cover - a broken Windows
        name = locale.getencoding()
    return canonical(name)


def decode_sample(sample: bytes, encoding: str) -> str | None:
    """``sample`` decoded strictly, tolerating a character cut in two at its end; None when it does not decode."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return None


def scoring_text(text: str, limit: int = SCORE_CHARS) -> str:
    """The lines of ``text`` that hold non-ASCII characters, up to ``limit`` characters (what is worth scoring)."""
    kept: list[str] = []
    size = 0
    for line in text.splitlines():
        if not line.isascii():
            kept.append(line)
            size += len(line) + 1
            if size >= limit:
                break
    return "\n".join(kept)


def _script(char: str) -> str:
    if char.isascii():
        return "LATIN"
    name = unicodedata.name(char, "")
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH", "FULLWIDTH", "IDEOGRAPHIC")):
        return "CJK"
    return name.split(" ", 1)[0]


def implausibility(text: str) -> float:
    """How unlike ordinary written text the non-ASCII characters of ``text`` are (0 = perfectly ordinary).

    Points: 10 for each control, private-use or unassigned character; 5 for each symbol stuck inside a word or
    glued to the start of one (``Wi¶niewski``, ``£ukasz``), 2 right after one (``s±``); 5 for each word mixing
    Latin, Cyrillic and Greek letters; 3 for each accented capital after a lower-case letter (``LefËvre``), each
    word whose accented letters no single language uses together (``Núńez``) and each Greek final sigma inside a
    word; 2 for each one-letter accented word that is not a word (``ŕ`` for ``à``); 0.25 for each accented Latin
    letter the language covering most of them lacks (weak: address books mix languages). Kana and kanji are not
    judged (no spaces to judge by); they only count as letters beside Latin ones.
    """
    cost = 0.0
    latin: Counter[str] = Counter()
    for index, char in enumerate(text):
        if char.isascii():
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Co", "Cn", "Cs"):
            cost += 10
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        script = _script(char)
        if script == "CJK":
            continue  # kana, kanji and their punctuation: Japanese text has no spaces to judge by
        if char.isalpha():
            if script == "LATIN":
                latin[char.lower()[0]] += 1  # "İ".lower() is "i" + a combining dot
            if char.isupper() and before.isalpha() and before.islower():
                cost += 3
            continue
        if before.isalpha() and after.isalpha():
            cost += 0 if char in _INSIDE_WORD_OK else 5
        elif after.isalpha() and char not in _BEFORE_WORD_OK:
            cost += 5
        elif before.isalpha() and char not in _AFTER_WORD_OK and category.startswith(("S", "N")):
            cost += 2  # a sign or digit-like character right after a word: "s±" for "są"
    alphabets = tuple(set(a) for a in _LATIN_ALPHABETS.values())
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        scripts = {_script(c) for c in word} - {"CJK"}
        if len(scripts) > 1:
            cost += 5
        elif "ς" in word[:-1]:
            cost += 3  # Greek final sigma inside a word: Cyrillic read as Windows-1253
        elif len(word) == 1 and scripts == {"LATIN"}:
            cost += 0 if word.lower() in _ONE_LETTER_WORDS else 2  # "ŕ Lyon" for "à Lyon"
        elif scripts == {"LATIN"}:
            accented = {c for c in word.lower() if not c.isascii() and not unicodedata.combining(c)}
            if not any(accented <= alphabet for alphabet in alphabets):
                cost += 3  # no language writes these letters together: "Núńez", "Pâtissičre"
    if latin:
        best = max(sum(n for letter, n in latin.items() if letter in alphabet) for alphabet in alphabets)
        cost += 0.25 * (sum(latin.values()) - best)  # weak: address books mix languages
    return cost


def _normaliser_order(sample: bytes, encodings: Sequence[str]) -> list[str]:
    """The candidates as charset-normalizer ranks them (best first), for breaking exact ties."""
    from charset_normalizer import from_bytes  # lazily: only non-UTF-8 files need it

    ranked: list[str] = []
    for match in from_bytes(sample, cp_isolation=list(encodings)):
        key = canonical(match.encoding)
        if key is not None and key not in ranked:
            ranked.append(key)
    return ranked


def detect_legacy(
    sample: bytes, *, hint: str | None = None, encodings: Iterable[str] = AUTO_ENCODINGS
) -> Detection | None:
    """Choose the code page of ``sample`` (the head of a file that is not UTF-8), or None if none decodes it.

    Args:
        sample: the first :data:`SAMPLE_BYTES` or so; may end in the middle of a character.
        hint: the system code page (:func:`system_code_page`), trusted only to break near ties.
        encodings: the candidates, most common first.
    """
    order = list(encodings)
    texts: dict[str, str] = {}
    for encoding in order:
        text = decode_sample(sample, encoding)
        if text is not None:
            texts[encoding] = text
    if not texts:
        return None
    scored: dict[str, str] = {}  # one encoding per distinct reading (the first in ``order`` that gives it)
    seen: dict[str, str] = {}
    for encoding, text in texts.items():
        focus = scoring_text(text)
        if focus not in seen:
            seen[focus] = encoding
            scored[encoding] = focus
    costs = {encoding: implausibility(focus) for encoding, focus in scored.items()}
    best_cost = min(costs.values())
    tied = [e for e in scored if costs[e] == best_cost]
    reason = "the most plausible reading"
    if len(tied) > 1:
        ranked = _normaliser_order(sample, tied)
        if hint in tied:
            tied.sort(key=lambda e: (e != hint, order.index(e)))
            reason = "tied; chosen by the system code page"
        elif ranked:
            tied.sort(key=lambda e: (ranked.index(e) if e in ranked else len(ranked), order.index(e)))
            reason = "tied; chosen by charset-normalizer"
    winner = tied[0]
    readings = sorted(
        (Reading(e, c) for e, c in costs.items()),
        key=lambda r: (r.encoding != winner, r.cost, order.index(r.encoding)),
    )
    letters = sum(1 for c in scored[winner] if not c.isascii())
    runner_up = readings[1].cost if len(readings) > 1 else None
    unsure = best_cost > max(3.0, 0.1 * letters) or (runner_up is not None and runner_up - best_cost < UNSURE_MARGIN)
    if hint is not None and unsure and hint == winner and best_cost == 0 and runner_up is not None:
        unsure = runner_up - best_cost < 1  # a near tie the system code page settles
    return Detection(winner, unsure, tuple(readings), reason)


# --- UTF-8 with a few bad bytes (issue 11, RELIABILITY I11) -----------------------------------------------------

_UNDECODABLE = re.compile("[\udc80-\udcff]+")  # ``surrogateescape`` turns each undecodable byte into one of these

KEPT_BAD_RUNS = 3
"""How many runs of undecodable bytes :func:`utf8_census` locates (the message names them; the rest are counted)."""


@dataclass(frozen=True, slots=True)
class BadBytes:
    """Consecutive bytes that are not UTF-8 (one stray byte, or a broken sequence such as an encoded surrogate):
    where a text editor shows the first (line and column, 1-based), its file offset, and the bytes."""

    offset: int
    line: int
    column: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Utf8Census:
    """A whole file read as UTF-8: its valid multi-byte characters, its undecodable bytes, the first few located."""

    characters: int
    bad_bytes: int
    first: tuple[BadBytes, ...]

    @property
    def mostly_utf8(self) -> bool:
        """True when the file is UTF-8 but for a few bad bytes: valid multi-byte characters at least as many as
        undecodable bytes.

        A legacy code page almost never forms valid UTF-8 by chance (a lead byte À-ß or à-ï followed by exactly
        the right number of bytes 0x80-0xBF, which are mostly punctuation): the 81 files of the encoding corpus
        have none, but for Japanese Shift-JIS, where valid sequences come to at most 0.18 per undecodable byte.
        A UTF-8 file with a byte pasted from elsewhere has the opposite ratio ("Zoë" 50 times, one bad byte).
        """
        return self.bad_bytes > 0 and self.characters >= self.bad_bytes


class _Position:
    """Line and column over text that arrives in pieces (LF, CRLF and lone CR end a line)."""

    def __init__(self) -> None:
        self.line = 1
        self.column = 0  # characters already on the current line
        self._cr_pending = False

    def at(self, text: str, index: int) -> tuple[int, int]:
        """(line, column) of ``text[index]``, ``text`` being the piece after those already fed."""
        prefix = text[:index]
        breaks = _breaks(prefix)
        if self._cr_pending and prefix.startswith("\n"):
            breaks -= 1
        last = max(prefix.rfind("\n"), prefix.rfind("\r"))
        column = index - last if last >= 0 else self.column + index + 1
        return self.line + breaks, column

    def feed(self, text: str) -> None:
        if not text:
            return
        self.line, self.column = self.at(text + "\0", len(text))
        self.column -= 1
        self._cr_pending = text.endswith("\r")


def _breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def utf8_census(chunks: Iterable[bytes], *, keep: int = KEPT_BAD_RUNS) -> Utf8Census:
    """Read a whole file as UTF-8 without stopping at errors: count what decodes and what does not (issue 11).

    Each undecodable byte counts once; the first ``keep`` runs of them are located by line, column and offset. Only
    called for a file that already failed strict UTF-8, so valid UTF-8 files never pay for it; on a 40 MB file
    it takes ~0.6 s on the import worker, whether the file is Windows-1252 or UTF-8 with one bad byte.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    position = _Position()
    offset = 0
    characters = bad = 0
    first: list[BadBytes] = []

    def take(text: str) -> None:
        nonlocal offset, characters, bad
        if text.isascii():
            offset += len(text)
            position.feed(text)
            return
        size = len(text.encode("utf-8", "surrogateescape"))  # the bytes this text came from
        found = size - len(text.encode("utf-8", "ignore"))  # each undecodable byte is one lone surrogate
        for match in _UNDECODABLE.finditer(text):
            if len(first) >= keep:
                break
            index = match.start()
            line, column = position.at(text, index)
            at = offset + len(text[:index].encode("utf-8", "surrogateescape"))
            first.append(BadBytes(at, line, column, match.group().encode("utf-8", "surrogateescape")))
        bad += found
        characters += len(text) - len(text.encode("ascii", "ignore")) - found
        offset += size
        position.feed(text)

    for chunk in chunks:
        take(decoder.decode(chunk))
    take(decoder.decode(b"", final=True))
    return Utf8Census(characters, bad, tuple(first))
