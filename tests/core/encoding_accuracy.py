"""Per-method accuracy of encoding detection on the corpus (issue 10).

Run: ``uv run python -m tests.core.encoding_accuracy``.

A reading is right when the decoded text equals the text the file was written from. "wrong and sure" counts the
dangerous outcome: garbled text with no warning. Prints one line per method, then the files each method got wrong.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from recipro_desktop.core import csv_encoding
from recipro_desktop.core.csv_encoding import canonical, detect_legacy
from tests.core.encoding_corpus import Sample, samples

Guess = tuple[str | None, bool]  # (encoding or None for an error, unsure)


def _old(sample: Sample) -> Guess:
    try:
        sample.data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            sample.data.decode("cp1252")
        except UnicodeDecodeError:
            return None, False
        return "cp1252", False
    return "utf-8", False


def _normaliser(limited: bool) -> Callable[[Sample], Guess]:
    def guess(sample: Sample) -> Guess:
        from charset_normalizer import from_bytes

        kwargs = {"cp_isolation": list(csv_encoding.AUTO_ENCODINGS)} if limited else {}
        best = from_bytes(sample.data, **kwargs).best()  # type: ignore[arg-type]
        return (best.encoding if best else None), False

    return guess


def _system(code_page: str | None) -> Callable[[Sample], Guess]:
    def guess(sample: Sample) -> Guess:
        machine = code_page or {"mac_roman": "cp1252", "iso-8859-2": "cp1250"}.get(sample.codec, sample.codec)
        return machine, False

    return guess


def _module(hint: str | None, *, same_machine: bool = False) -> Callable[[Sample], Guess]:
    def guess(sample: Sample) -> Guess:
        machine = canonical(sample.codec) if same_machine else hint
        found = detect_legacy(sample.data[: csv_encoding.SAMPLE_BYTES], hint=machine)
        return (found.encoding, found.unsure) if found else (None, False)

    return guess


METHODS: dict[str, Callable[[Sample], Guess]] = {
    "old rule (UTF-8, else cp1252)": _old,
    "charset-normalizer best()": _normaliser(False),
    "charset-normalizer, offered code pages": _normaliser(True),
    "system code page, same machine": _system(None),
    "system code page, a Western Windows": _system("cp1252"),
    "csv_encoding, no hint (Linux/macOS)": _module(None),
    "csv_encoding, hint from the same machine": _module(None, same_machine=True),
    "csv_encoding, wrong hint (cp1252)": _module("cp1252"),
}


def right(sample: Sample, encoding: str | None) -> bool:
    if encoding is None:
        return False
    try:
        return sample.data[sample.bom :].decode(encoding) == sample.text
    except (UnicodeDecodeError, LookupError):
        return False


def main() -> int:
    legacy = [s for s in samples() if not s.bom and s.codec != "utf-8"]
    print(f"{len(legacy)} non-UTF-8 files")
    misses: dict[str, list[str]] = {}
    for label, method in METHODS.items():
        good = unsure_right = wrong_sure = wrong_unsure = 0
        started = time.perf_counter()
        for sample in legacy:
            encoding, unsure = method(sample)
            if right(sample, encoding):
                good += 1
                unsure_right += unsure
            else:
                wrong_unsure += unsure
                wrong_sure += not unsure
                misses.setdefault(label, []).append(f"{sample.name} -> {encoding}{' (unsure)' if unsure else ''}")
        ms = (time.perf_counter() - started) * 1000 / len(legacy)
        print(
            f"{label:<42} right {good:>3}/{len(legacy)} (unsure {unsure_right:>2})  wrong+sure {wrong_sure:>3}  "
            f"wrong+unsure {wrong_unsure:>2}  {ms:5.1f} ms/file"
        )
    for label, names in misses.items():
        if "csv_encoding" in label or "--verbose" in sys.argv:
            print(f"\n{label}:")
            for name in names:
                print(f"  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
