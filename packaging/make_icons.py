"""Regenerate Recipro's desktop icons from ``resources/icons/app.svg`` (the window's own app icon).

Writes, all from the one SVG:

- ``packaging/icons/recipro-<N>.png`` for N in 16, 24, 32, 48, 64, 128, 256, 512 (Linux: the bundle's
  ``share/icons/hicolor/<N>x<N>/apps/recipro.png``);
- ``packaging/windows/recipro.ico``: 16, 24, 32, 48, 64, 128 and 256 px, PNG entries;
- ``packaging/macos/recipro.icns``: 16@2x, 32@2x, 128, 128@2x, 256, 256@2x, 512 and 512@2x (1024 px), PNG entries.

Every size is rendered from the SVG by Qt (never scaled down from a bigger bitmap), so small sizes stay sharp.
Pillow, in the ``packaging`` dependency group, encodes the PNGs and writes the ICO/ICNS containers; the
output is byte-for-byte the same on every run with the locked PySide6 and Pillow::

    uv run --group packaging python packaging/make_icons.py          # rewrite the files
    uv run --group packaging python packaging/make_icons.py --check  # exit 1 if a file is out of date

Rendering alone (:func:`render`) needs only PySide6; the tests use it to check that the committed PNGs still
show the current ``app.svg``.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image
    from PySide6.QtGui import QImage  # noqa: TID251 (a build script, not part of the app)

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "app.svg"
PNG_DIR = ROOT / "packaging" / "icons"
ICO = ROOT / "packaging" / "windows" / "recipro.ico"
ICNS = ROOT / "packaging" / "macos" / "recipro.icns"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (32, 64, 128, 256, 512, 1024)
"""The pixel sizes Pillow's ICNS writer stores (ic11 16@2x, ic12 32@2x, ic07 128, ic13 128@2x, ic08 256,
ic14 256@2x, ic09 512, ic10 512@2x); each is rendered from the SVG and handed to it."""


def png_path(size: int) -> Path:
    return PNG_DIR / f"recipro-{size}.png"


def render(size: int, svg: Path = SVG) -> QImage:
    """The SVG drawn into a transparent ``size``×``size`` image (non-premultiplied RGBA)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF, Qt  # noqa: TID251
    from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: TID251
    from PySide6.QtSvg import QSvgRenderer  # noqa: TID251

    if QGuiApplication.instance() is None:
        render.app = QGuiApplication([sys.argv[0]])  # type: ignore[attr-defined]  # kept alive for later calls
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image.convertToFormat(QImage.Format.Format_RGBA8888)


def to_pillow(image: QImage) -> Image:
    from PIL import Image as PILImage

    data = bytes(image.constBits())  # type: ignore[arg-type]
    return PILImage.frombuffer(
        "RGBA", (image.width(), image.height()), data, "raw", "RGBA", image.bytesPerLine(), 1
    ).copy()


def encode_png(image: Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)  # no text chunks, no timestamps: the same bytes on every run
    return out.getvalue()


def build() -> dict[Path, bytes]:
    """Every output file's path and contents."""
    try:
        import PIL  # noqa: F401
    except ImportError:
        raise SystemExit(
            "make_icons: Pillow is missing; it is in the 'packaging' dependency group:\n"
            "    uv run --group packaging python packaging/make_icons.py"
        ) from None
    sizes = sorted(set(PNG_SIZES) | set(ICO_SIZES) | set(ICNS_SIZES))
    images = {size: to_pillow(render(size)) for size in sizes}
    files = {png_path(size): encode_png(images[size]) for size in PNG_SIZES}

    ico = io.BytesIO()
    largest = images[max(ICO_SIZES)]
    largest.save(
        ico, "ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=[images[s] for s in ICO_SIZES if s != 256]
    )
    files[ICO] = ico.getvalue()

    icns = io.BytesIO()
    images[1024].save(icns, "ICNS", append_images=[images[s] for s in ICNS_SIZES])
    files[ICNS] = icns.getvalue()
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate Recipro's icons from resources/icons/app.svg.")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, data in build().items():
        current = path.read_bytes() if path.is_file() else None
        if current == data:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}")
        if stale:
            print("run: uv run --group packaging python packaging/make_icons.py")
        return 1 if stale else 0
    if not stale:
        print("all icons up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
