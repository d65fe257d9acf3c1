"""core/passphrase_strength: the rule ``recipro init`` and the setup wizard share (issue 11, RELIABILITY I15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from recipro_desktop.core.errors import WeakPassphraseError
from recipro_desktop.core.passphrase_strength import (
    ESTIMATED_CHARS,
    MIN_SCORE,
    context_words,
    estimate,
    require_strong,
)


@pytest.mark.parametrize("weak", ["a", "1", "password", "recipro", "journal2024", "qwertyuiop", "aaaaaaaaaaaa"])
def test_i15_trivial_passphrases_score_below_the_minimum(weak: str) -> None:
    strength = estimate(weak, context=context_words("journal"))
    assert strength.score < MIN_SCORE and not strength.acceptable
    with pytest.raises(WeakPassphraseError) as caught:
        require_strong(weak, context=context_words("journal"))
    assert caught.value.exit_code == 25 and str(caught.value).endswith("Nothing was created.")


@pytest.mark.parametrize("strong", ["quiet-harbour-lantern-42", "correct horse battery staple", "velvet otter meadow"])
def test_i15_a_few_random_words_pass(strong: str) -> None:
    assert estimate(strong, context=context_words("journal", "ana")).acceptable
    require_strong(strong)


def test_i15_the_data_folder_and_login_names_count_as_known_words() -> None:
    """I15: "ZephyrineQuokka77" is strong to zxcvbn alone, and worthless as the passphrase of a folder named so."""
    assert estimate("ZephyrineQuokka77").acceptable
    assert not estimate("ZephyrineQuokka77", context=context_words("ZephyrineQuokka77", "")).acceptable
    assert context_words("My Journal 2", "ana.lima")[:4] == ("recipro", "journal", "passphrase", "password")
    assert {"my journal 2", "my", "2", "ana.lima", "ana", "lima"} <= set(context_words("My Journal 2", "ana.lima"))


def test_i15_a_long_passphrase_is_estimated_on_its_first_characters() -> None:
    """zxcvbn refuses more than 72 characters; a repeated letter stays weak, a long sentence stays strong."""
    assert not estimate("a" * 500).acceptable
    assert estimate("the quiet harbour lantern glows over seven amber fields " * 5).acceptable
    assert ESTIMATED_CHARS == 72


def test_i15_the_message_carries_zxcvbns_warning_and_advice_never_the_passphrase() -> None:
    strength = estimate("password")
    assert strength.warning == "This is a top-10 common password."
    assert strength.message.startswith("This passphrase is too easy to guess: someone with a copy of the journal")
    assert "This is a top-10 common password. Add another word or two." in strength.message
    secret = estimate("Lisbon2019", context=())
    assert "Lisbon" not in secret.message and "2019" not in secret.message


def test_i15_zxcvbn_is_imported_on_first_use_never_at_the_start_of_the_window_or_the_cli() -> None:
    """zxcvbn's word lists cost ~0.1 s to import: the window's cold start (DESIGN §6) must not pay for them."""
    code = (
        "import json, sys\n"
        "import recipro_desktop.cli, recipro_desktop.app, recipro_desktop.ui.setup_wizard\n"
        "import recipro_desktop.core.passphrase_strength as p\n"
        "before = 'zxcvbn' in sys.modules\n"
        "p.estimate('x')\n"
        "print(json.dumps([before, 'zxcvbn' in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [False, True]
