"""Text helpers for names: matching keys, accent-insensitive folding, first names, invisible controls.

Names arrive from people typing, from LinkedIn and Outlook exports and from copy-paste, so the same person
can be spelled as NFC or NFD (``Zoë``), with odd spacing, or with invisible bidi and zero-width controls
that make one string *look* like another (the Trojan-Source class of spoofing, RELIABILITY E18). These
helpers give every layer the same answers:

- :func:`normalise_name`: the key two names are compared on for matching and dedupe (still accent-aware:
  ``José`` and ``Jose`` are different people until the user says otherwise).
- :func:`fold`: accent- and case-insensitive folding for completion and search-as-you-type (``lukasz``
  finds ``Łukasz``).
- :func:`strip_invisible`: what a notification or a window shows, so it cannot be visually reordered.
"""

from __future__ import annotations

import re
import unicodedata

INVISIBLE_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]  # LRE, RLE, PDF, LRO, RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI, RLI, FSI, PDI
    + [chr(c) for c in range(0x200B, 0x2010)]  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    + ["\u2060", "\u061c", "\ufeff"]  # word joiner, Arabic letter mark, BOM / ZWNBSP
)
"""Bidi embeddings/overrides/isolates, directional marks and zero-width characters.

Beyond the ranges RELIABILITY E18 names (U+202A–U+202E, U+2066–U+2069, U+200B–U+200D, U+FEFF) this also
holds the LRM/RLM/ALM marks and the word joiner: none of them is visible, all of them can disguise a name.
"""

_INVISIBLE_TABLE = dict.fromkeys(map(ord, INVISIBLE_CONTROLS))
_WHITESPACE = re.compile(r"\s+")

# Letters that carry their "accent" in the base character, so NFKD cannot take it off. Completion users
# type the plain letter (``Lukasz``, ``Soren``, ``Dang``), so fold maps them the way a keyboard would.
_FOLD_EXTRA = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "ħ": "h",
        "Ħ": "h",
        "ı": "i",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
    }
)

_TITLES = frozenset({"dr", "prof", "mr", "mrs", "ms", "mx", "miss", "sir", "dame", "rev", "fr"})


def strip_invisible(s: str) -> str:
    """``s`` without bidi controls, directional marks and zero-width characters (:data:`INVISIBLE_CONTROLS`).

    Used for everything shown outside the app's own widgets (tray notifications, window titles), where an
    RLO could make a name render backwards.
    """
    return s.translate(_INVISIBLE_TABLE)


def has_invisible(s: str) -> bool:
    """Whether ``s`` holds any invisible control, so an import preview can flag it (E18)."""
    return any(c in INVISIBLE_CONTROLS for c in s)


def collapse_whitespace(s: str) -> str:
    """Runs of any whitespace (including NBSP and line breaks) become one space; the ends are trimmed."""
    return _WHITESPACE.sub(" ", s).strip()


def normalise_name(s: str) -> str:
    """The key two names are matched and deduplicated on.

    NFC, invisible controls removed, whitespace collapsed, casefolded, then NFC again (casefolding can
    decompose a character, e.g. ``ǰ``). Accents are kept: they distinguish names (use :func:`fold` for
    completion, where they should not).
    """
    cleaned = collapse_whitespace(strip_invisible(unicodedata.normalize("NFC", s)))
    return unicodedata.normalize("NFC", cleaned.casefold())


def fold(s: str) -> str:
    """Accent- and case-insensitive form for completion and as-you-type filtering.

    NFKD, combining marks dropped, letters with built-in strokes mapped to their plain letter (``Ł``→``l``,
    ``ø``→``o``, ``æ``→``ae``), casefolded, invisible controls removed and whitespace collapsed. Compatibility
    decomposition also folds full-width letters and ligatures (``ﬁ``→``fi``).

    Plain ASCII (most names, organisations and notes) takes a shortcut with the same result: nothing in it
    decomposes, combines or needs the stroke table, and ``casefold`` is ``lower`` there. It keeps typing in the
    filters and completers cheap at 10,000 people.
    """
    if s.isascii():
        return collapse_whitespace(s.lower())
    decomposed = unicodedata.normalize("NFKD", strip_invisible(s))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return collapse_whitespace(bare.translate(_FOLD_EXTRA).casefold())


def first_name(display_name: str) -> str:
    """The name to greet someone by, from a display name alone.

    ``"Smith, Jane"`` → ``"Jane"`` (the "Family, Given" form of many exports); ``"Dr. Jane Smith"`` →
    ``"Jane"`` (a leading title is skipped); otherwise the first word. Invisible controls are removed.
    Callers that know a person's ``given_name`` should prefer it: this is a fallback and cannot know
    naming orders (``Nguyễn Văn An`` gives ``Nguyễn``).
    """
    name = collapse_whitespace(strip_invisible(unicodedata.normalize("NFC", display_name)))
    if "," in name:
        family, _, given = name.partition(",")
        name = collapse_whitespace(given) or collapse_whitespace(family)
    words = name.split(" ")
    while len(words) > 1 and words[0].rstrip(".").casefold() in _TITLES:
        words = words[1:]
    return words[0] if words else ""
