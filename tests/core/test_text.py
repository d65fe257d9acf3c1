"""Name matching, folding and invisible-control stripping (RELIABILITY E18)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recipro_desktop.core.text import (
    collapse_whitespace,
    first_name,
    fold,
    has_invisible,
    normalise_name,
    strip_invisible,
)

NFC_ZOE = unicodedata.normalize("NFC", "Zoë Martin")
NFD_ZOE = unicodedata.normalize("NFD", "Zoë Martin")


def test_e18_nfc_and_nfd_spellings_match() -> None:
    assert NFC_ZOE != NFD_ZOE
    assert normalise_name(NFC_ZOE) == normalise_name(NFD_ZOE) == "zoë martin"


def test_e18_bidi_and_zero_width_controls_do_not_defeat_dedupe() -> None:
    spoofed = "Ali\u200bce \u202eSmith\u202c\ufeff"
    assert normalise_name(spoofed) == normalise_name("alice smith")
    assert normalise_name("Jo\u200dhn\u2066 Doe\u2069") == "john doe"


def test_normalise_name_collapses_whitespace_and_casefolds() -> None:
    assert normalise_name("  Anne\u00a0\tMARIE \n Straße ") == "anne marie strasse"


def test_normalise_name_keeps_accents() -> None:
    assert normalise_name("José") != normalise_name("Jose")


def test_normalise_name_is_nfc_after_casefold() -> None:
    # 'ǰ' has no single-code-point case fold; the key must still be NFC
    key = normalise_name("J̌ane")
    assert unicodedata.is_normalized("NFC", key)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("lukasz", "Łukasz"),
        ("zoe", "Zoë"),
        ("anais", "Anaïs"),
        ("soren", "Søren"),
        ("nguyen", "Nguyễn"),
        ("dang", "Đặng"),
        ("aeron", "Æron"),
        ("jose", unicodedata.normalize("NFD", "José")),
        ("strasse", "STRASSE"),
        ("strasse", "Straße"),
        ("file", "ﬁle"),
    ],
)
def test_fold_is_accent_and_case_insensitive(typed: str, name: str) -> None:
    assert fold(name) == typed


def test_fold_strips_invisible_and_collapses_whitespace() -> None:
    assert fold(" Zo\u200bë \u202e Smith ") == "zoe smith"


def test_strip_invisible_removes_every_listed_control() -> None:
    controls = "".join(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200C, 0x200D, 0xFEFF])
    assert strip_invisible(f"a{controls}b") == "ab"
    assert has_invisible(f"a{controls}b")
    assert not has_invisible("Zoë 👩‍💻"[:4])


def test_strip_invisible_keeps_visible_text() -> None:
    assert strip_invisible("Łukasz, Nguyễn, 山田") == "Łukasz, Nguyễn, 山田"


@pytest.mark.parametrize(
    ("display", "first"),
    [
        ("Jane Smith", "Jane"),
        ("  Jane   Smith ", "Jane"),
        ("Smith, Jane", "Jane"),
        ("Smith,", "Smith"),
        ("Dr. Jane Smith", "Jane"),
        ("Prof Anaïs Dubois", "Anaïs"),
        ("Dr", "Dr"),
        ("Aoife", "Aoife"),
        ("\u202eAnaïs Dubois", "Anaïs"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_first_name(display: str, first: str) -> None:
    assert first_name(display) == first


def test_collapse_whitespace() -> None:
    assert collapse_whitespace("a \n\t b\u00a0c ") == "a b c"


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_the_ascii_shortcut_folds_exactly_like_the_full_path(s: str) -> None:
    """fold() skips NFKD and the stroke table for ASCII: the result must be the one the full path gives."""
    decomposed = unicodedata.normalize("NFKD", strip_invisible(s))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    full = collapse_whitespace(bare.casefold())
    assert fold(s) == full
