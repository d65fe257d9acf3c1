#!/usr/bin/env bash
# Build Recipro's one-folder bundle for this OS and prove it works:
#
#   packaging/build.sh                   build dist/recipro (dist/Recipro.app on macOS), then run its self-test
#   packaging/build.sh --require-keyring the self-test also fails when no system keyring answers
#
# Prints the build time and the bundle's size (the README records them). Exits non-zero when the build, the
# library check (Linux: every shared object in the bundle finds its libraries), the licence files (LICENSE and
# THIRD_PARTY_NOTICES in the bundle) or the self-test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

selftest_args=(--self-test "$@")
if [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"  # no screen (a build server): check Qt headless
fi

started=$(date +%s)
uv run --locked --group packaging pyinstaller --noconfirm --clean --log-level WARN packaging/recipro.spec
seconds=$(( $(date +%s) - started ))

case "$(uname -s)" in
    Darwin) bundle=dist/Recipro.app; program=dist/Recipro.app/Contents/MacOS/recipro ;;
    MINGW*|MSYS*|CYGWIN*) bundle=dist/recipro; program=dist/recipro/recipro-cli.exe ;;
    *) bundle=dist/recipro; program=dist/recipro/recipro ;;
esac

if [ "$(uname -s)" = Linux ]; then
    # A library the spec dropped on purpose (unused Qt plugins and their dependencies) must not be one that a
    # kept plugin still needs. Resolve against the bundle first, as the frozen app does.
    missing=$(find "$bundle" -name '*.so*' -type f -print0 |
        LD_LIBRARY_PATH="$PWD/$bundle/_internal" xargs -0 -n 20 ldd 2>/dev/null | grep 'not found' | sort -u || true)
    if [ -n "$missing" ]; then
        echo "build.sh: the bundle lacks libraries its own files need:" >&2
        echo "$missing" >&2
        exit 1
    fi
fi

# The licences: LICENSE and the generated THIRD_PARTY_NOTICES beside the executable (Contents/Resources in the
# .app) and in the data folder Help › About reads; the notices must carry Qt's LGPL text.
case "$(uname -s)" in
    Darwin) licence_dirs=("$bundle/Contents/Resources") ;;
    *) licence_dirs=("$bundle" "$bundle/_internal") ;;
esac
for folder in "${licence_dirs[@]}"; do
    for name in LICENSE THIRD_PARTY_NOTICES; do
        if [ ! -s "$folder/$name" ]; then
            echo "build.sh: $folder/$name is missing or empty" >&2
            exit 1
        fi
    done
done
if ! grep -q "GNU LESSER GENERAL PUBLIC LICENSE" "${licence_dirs[0]}/THIRD_PARTY_NOTICES" ||
    ! grep -q "^PySide6_Essentials " "${licence_dirs[0]}/THIRD_PARTY_NOTICES"; then
    echo "build.sh: THIRD_PARTY_NOTICES lacks PySide6 or the LGPL text" >&2
    exit 1
fi

size=$(du -sm "$bundle" | cut -f1)
files=$(find "$bundle" -type f | wc -l | tr -d ' ')
echo "Built $bundle in ${seconds} s: ${size} MB, ${files} files."
"$program" "${selftest_args[@]}"

# The download: only a bundle that passed its self-test is archived.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -1)
case "$(uname -s)" in
    Linux)
        archive="dist/recipro-${version}-linux-$(uname -m).tar.gz"
        tar -C dist -czf "$archive" recipro ;;
    Darwin)
        archive="dist/Recipro-${version}-macos.zip"
        ditto -c -k --keepParent dist/Recipro.app "$archive" ;;
    *)
        archive="dist/recipro-${version}-windows-x64.zip"
        powershell -NoProfile -Command "Compress-Archive -Force -Path dist/recipro -DestinationPath $archive" ;;
esac
echo "Archived $archive: $(du -sm "$archive" | cut -f1) MB."
