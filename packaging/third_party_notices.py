"""Write THIRD_PARTY_NOTICES: the licences of everything Recipro runs on, from the installed packages' metadata.

    uv run python packaging/third_party_notices.py --output dist/THIRD_PARTY_NOTICES
    uv run python packaging/third_party_notices.py            # to standard output

Run by packaging/recipro.spec at every bundle build, in the environment that builds the bundle, so the file
lists exactly the distributions (and versions) the bundle carries for that platform. The text comes from
``recipro_desktop.notices``, the same code Help › About Recipro uses when it is not frozen. Fails (exit 1)
when a runtime requirement is not installed: a bundle must not ship notices with a gap.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the package, also from a plain checkout

from recipro_desktop.notices import runtime_distributions, third_party_notices


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, help="the file to write (default: standard output)")
    args = parser.parse_args(argv)
    _dists, missing = runtime_distributions()
    if missing:
        print(f"third_party_notices.py: required but not installed: {', '.join(missing)}", file=sys.stderr)
        return 1
    text = third_party_notices()
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8", newline="\n")
        print(f"Wrote {args.output} ({len(text.encode('utf-8')) // 1024} KB).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
