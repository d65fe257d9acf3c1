"""Hostile or careless input met through the ``recipro`` command (issue 11): each refusal is one ``recipro:`` line
with its documented exit code, and nothing on disk changes (RELIABILITY I11, I12, I15, I16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recipro_desktop import cli
from tests.test_cli import run, snapshot

PASSPHRASE = "quiet-harbour-lantern-42"


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty journal made by ``recipro init``, its key in the (memory) keyring."""
    folder = tmp_path / "journal"
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    code, _, err = run("--data-dir", str(folder), "init")
    assert code == 0, err
    monkeypatch.delenv(cli.PASSPHRASE_ENV)
    return folder


def test_i11_import_of_utf8_with_one_bad_byte_early_exits_30_naming_where_and_stores_nothing(
    journal: Path, tmp_path: Path
) -> None:
    """I11: 0.1 exited 0 and stored 50 names as "ZoÃ« Müller"; now exit 30, the position, and the way out."""
    source = tmp_path / "contacts.csv"
    data = b"Name,Company\r\nJos\xe9 Lima,Acme\r\n" + "".join(f"Zoë Müller {n},Café\r\n" for n in range(50)).encode()
    source.write_bytes(data)
    before = snapshot(journal)
    code, out, err = run("--data-dir", str(journal), "import", str(source))
    assert (code, out) == (30, "")
    assert err.startswith("recipro: This file is UTF-8 except for 1 byte that is not: line 2, column 4 (byte 0xE9")
    assert "--encoding" in err and err.count("\n") == 1
    assert snapshot(journal) == before
    code, out, _ = run("--data-dir", str(journal), "stats", "--json")
    assert code == 0 and '"people": 0' in out


# --- I15: passphrases that are easy to guess ---------------------------------------------------------------------

FOLDER = "ZephyrineQuokka77"  # strong on its own (zxcvbn score 4), known to anyone who sees the data folder


def nothing_in(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


@pytest.mark.parametrize(
    ("passphrase", "said"),
    [
        ("a", "Add another word or two."),
        ("1", "Add another word or two."),
        ("password", "This is a top-10 common password."),
        ("recipro", "Add another word or two."),
        ("P@ssw0rd!", "This is similar to a commonly used password."),
        ("summer2024", "This is similar to a commonly used password."),
        (FOLDER, "Add another word or two."),  # the data folder's own name
        (f"{FOLDER.lower()}!", "Add another word or two."),
    ],
)
@pytest.mark.parametrize("given_as", ["environment", "file"])
def test_i15_init_refuses_a_passphrase_that_is_easy_to_guess_with_exit_25_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, passphrase: str, said: str, given_as: str
) -> None:
    """I15: ``recipro init`` took "a", "1" and "password" without a word. Now: exit 25, zxcvbn's warning and advice,
    never the passphrase itself, and no file in the data folder."""
    folder = tmp_path / FOLDER
    argv = ["--data-dir", str(folder)]
    if given_as == "environment":
        monkeypatch.setenv(cli.PASSPHRASE_ENV, passphrase)
    else:
        secret = tmp_path / "secret.txt"
        secret.write_text(passphrase + "\n", encoding="utf-8")
        argv += ["--passphrase-file", str(secret)]
    code, out, err = run(*argv, "init")
    assert (code, out) == (25, "")
    assert err.startswith("recipro: This passphrase is too easy to guess: someone with a copy of the journal could")
    assert said in err and err.rstrip().endswith("Nothing was created.") and err.count("\n") == 1
    if passphrase not in ("a", "1", "password"):  # letters and words the template itself holds
        assert passphrase.lower() not in err.removeprefix("recipro: ").lower()
    assert nothing_in(folder)


def test_i15_the_demo_command_on_a_new_folder_applies_the_same_rule(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(cli.PASSPHRASE_ENV, "1")
    folder = tmp_path / "demo journal"
    code, _, err = run("--data-dir", str(folder), "demo", "--people", "3")
    assert code == 25 and "too easy to guess" in err
    assert nothing_in(folder)


def test_i15_a_strong_passphrase_is_accepted_and_unlocks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    folder = tmp_path / FOLDER
    code, out, err = run("--data-dir", str(folder), "init", "--no-keyring")
    assert code == 0 and err == "" and "Created a new encrypted journal" in out
    code, out, err = run("--data-dir", str(folder), "stats", "--json")
    assert code == 0 and '"people": 0' in out


def test_i15_no_passphrase_means_a_generated_recovery_key_which_is_not_estimated(tmp_path: Path) -> None:
    code, out, _ = run("--data-dir", str(tmp_path / "j"), "init")
    assert code == 0 and "Your recovery key" in out
