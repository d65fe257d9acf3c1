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
