#!/bin/sh
# Install Recipro for the current user, or remove it again. No sudo, nothing outside your home folder.
#
#   ./install.sh              copy this folder to ~/.local/share/recipro-app, link ~/.local/bin/recipro,
#                             and add Recipro to the applications menu (desktop entry and icons)
#   ./install.sh --uninstall  remove exactly what the install added
#
# Run it again from a newer download to upgrade: the new copy is made beside the old one and swapped in.
# Your journal (~/.local/share/recipro, or $RECIPRO_DATA_DIR) is never copied, moved or deleted. The program
# is installed in its own folder, recipro-app, because the journal's folder is named recipro.
set -eu

APP=recipro
ID=io.github.recipro.Recipro # the app's identity (recipro_desktop.APP_REVERSE_DNS): desktop entry and icon name
MARKER=.recipro-install  # in the installed folder: what the install added outside it, one "kind path" a line

say() { printf '%s\n' "$*"; }
fail() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}

usage() {
    say "Usage: ./install.sh [--uninstall]"
    say ""
    say "Installs Recipro for the current user only (no administrator rights needed):"
    say "  the program        \${XDG_DATA_HOME:-~/.local/share}/recipro-app/"
    say "  the command        ~/.local/bin/recipro"
    say "  the menu entry     \${XDG_DATA_HOME:-~/.local/share}/applications/$ID.desktop, and icons"
    say "--uninstall removes those again. Your journal and its backups are never touched."
}

mode=install
case $# in
0) ;;
1)
    case $1 in
    --uninstall) mode=uninstall ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        usage >&2
        exit 2
        ;;
    esac
    ;;
*)
    usage >&2
    exit 2
    ;;
esac

# --- where ------------------------------------------------------------------------------------------------

[ -n "${HOME:-}" ] || fail "HOME is not set: cannot tell where to install."
case $HOME in
/*) ;;
*) fail "HOME ($HOME) is not an absolute path." ;;
esac
if [ "$(id -u)" = 0 ] && [ -n "${SUDO_USER:-}" ]; then
    fail "do not run this with sudo: Recipro installs for one user, without administrator rights. Run ./install.sh as yourself."
fi

data_home=${XDG_DATA_HOME:-}
case $data_home in
/*) ;;
*) data_home=$HOME/.local/share ;; # unset, empty or relative: the XDG default
esac
data_home=${data_home%/}
config_home=${XDG_CONFIG_HOME:-}
case $config_home in
/*) ;;
*) config_home=$HOME/.config ;;
esac

app_dir=$data_home/$APP-app
bin_dir=$HOME/.local/bin
link=$bin_dir/$APP
apps_dir=$data_home/applications
icons_dir=$data_home/icons/hicolor
journal_dir=${RECIPRO_DATA_DIR:-$data_home/$APP}
autostart=$config_home/autostart/$ID.desktop
legacy_autostart=$config_home/autostart/$APP.desktop # the name Recipro 0.1 gave it

nl='
'
case $app_dir$journal_dir in
*"$nl"*) fail "the install folder must not contain a line break in its name." ;;
esac

# The journal: never inside the program's folder, and the program's folder never a journal.
case $journal_dir/ in
"$app_dir"/*) fail "your journal folder ($journal_dir) is inside $app_dir; set RECIPRO_DATA_DIR elsewhere first." ;;
esac
looks_like_journal() {
    [ -e "$1/journal.db" ] || [ -e "$1/keyslots.json" ] || [ -e "$1/backups" ]
}

# --- helpers ------------------------------------------------------------------------------------------------

# $1 as one argument of a desktop entry's Exec key, written as a string value (Desktop Entry Specification,
# "The Exec key"): always double-quoted; inside, \ " ` $ get a backslash and % is doubled; then every
# backslash is doubled again because the whole value is a string. Same rules as services/autostart.py.
exec_quote() {
    printf '"%s"' "$(printf '%s\n' "$1" | sed -e 's/%/%%/g' -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g')"
}

record() { printf '%s\n' "$1" >>"$app_dir/$MARKER"; }

# mkdir -p that records each folder it creates, so --uninstall can remove it again (if empty).
make_dir() {
    [ -d "$1" ] && return 0
    make_dir "$(dirname "$1")"
    mkdir "$1"
    record "d $1"
}

# Copy a file into place through a temporary name (never a half-written file), mode 0644, and record it.
put_file() {
    make_dir "$(dirname "$2")"
    cp "$1" "$2.tmp.$$"
    chmod 644 "$2.tmp.$$"
    mv -f "$2.tmp.$$" "$2"
    record "f $2"
}

# Refresh the desktop's caches when the tools exist; never fail when they do not. A cache file this run
# created is recorded, so --uninstall removes it when nothing else is left beside it.
refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$apps_dir" ]; then
        had_cache=no
        if [ -e "$apps_dir/mimeinfo.cache" ]; then had_cache=yes; fi
        update-desktop-database -q "$apps_dir" 2>/dev/null || true
        if [ "$1" = install ] && [ $had_cache = no ] && [ -e "$apps_dir/mimeinfo.cache" ]; then
            record "c $apps_dir/mimeinfo.cache"
        fi
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$icons_dir" ]; then
        had_cache=no
        if [ -e "$icons_dir/icon-theme.cache" ]; then had_cache=yes; fi
        gtk-update-icon-cache -q -t -f "$icons_dir" 2>/dev/null || true
        if [ "$1" = install ] && [ $had_cache = no ] && [ -e "$icons_dir/icon-theme.cache" ]; then
            record "c $icons_dir/icon-theme.cache"
        fi
    fi
}

# Remove what a manifest ($1, its text) lists: first the files and our symlink, then (caches refreshed) a
# cache this installer created if nothing else is left beside it, then the folders it created, if empty.
remove_listed() {
    remove_kinds "$1" f l
    refresh_caches remove
    remove_kinds "$1" c
    remove_kinds "$1" d
}

remove_kinds() {
    listed=$1
    shift
    for want in "$@"; do
        # Newest first, so a folder comes after what was put in it.
        printf '%s\n' "$listed" | awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' |
            while IFS= read -r entry; do
                kind=${entry%% *}
                path=${entry#* }
                [ "$kind" = "$want" ] || continue
                case $kind in
                f) rm -f "$path" ;;
                l)
                    if [ -L "$path" ] && [ "$(readlink "$path")" = "$app_dir/$APP" ]; then
                        rm -f "$path"
                    fi
                    ;;
                c)
                    others=$(find "$(dirname "$path")" -type f ! -name "$(basename "$path")" ! -name index.theme | head -n 1)
                    if [ -z "$others" ]; then rm -f "$path"; fi
                    ;;
                d) rmdir "$path" 2>/dev/null || true ;;
                esac
            done
    done
}

# Refuse to replace or remove the program while it runs (Linux: a process whose executable is in app_dir).
refuse_if_running() {
    [ -d "$app_dir" ] && [ -d /proc/self ] || return 0
    real=$(cd "$app_dir" && pwd -P)
    for proc in /proc/[0-9]*; do
        exe=$(readlink "$proc/exe" 2>/dev/null) || continue
        case $exe in
        "$real"/*) fail "Recipro is running (process ${proc#/proc/}); quit it (File › Quit, or Quit Recipro in the tray menu) and run install.sh again." ;;
        esac
    done
}

journal_note() {
    say "Your journal in $journal_dir is not touched (nor its backups, logs or the demo journal)."
}

# --- uninstall ----------------------------------------------------------------------------------------------

if [ $mode = uninstall ]; then
    if [ ! -f "$app_dir/$MARKER" ]; then
        if [ -e "$app_dir" ]; then fail "$app_dir was not made by this installer; leaving it alone."; fi
        say "Recipro is not installed for this user (no $app_dir)."
        journal_note
        exit 0
    fi
    if looks_like_journal "$app_dir"; then fail "$app_dir holds journal files; leaving it alone."; fi
    refuse_if_running
    manifest=$(cat "$app_dir/$MARKER")
    say "Removing Recipro from $app_dir ..."
    rm -rf "$app_dir"
    for entry in "$autostart" "$legacy_autostart"; do
        if [ -f "$entry" ] && grep -q '^X-Recipro-Autostart=true' "$entry" && grep -qF -e "$app_dir/" -e "$link" "$entry"; then
            rm -f "$entry"
            say "Removed the start-on-login entry ($entry)."
        fi
    done
    remove_listed "$manifest"
    say "Recipro is uninstalled: its program folder, menu entry and icons are gone, and the $APP command it linked."
    journal_note
    say "To delete the journal too, remove that folder yourself; nothing else can open it without your key."
    exit 0
fi

# --- install ------------------------------------------------------------------------------------------------

here=$(cd "$(dirname "$0")" && pwd -P)
if [ ! -x "$here/$APP" ] || [ ! -f "$here/share/applications/$ID.desktop" ]; then
    fail "run this script from the unpacked Recipro folder (it needs $APP and share/ beside it)."
fi
case $here/ in
"$app_dir"/*) fail "this is the installed copy; run install.sh from a downloaded Recipro folder to install or upgrade." ;;
esac
if looks_like_journal "$app_dir"; then
    fail "$app_dir holds journal files; leaving it alone."
fi
if [ -e "$app_dir" ] && [ ! -f "$app_dir/$MARKER" ]; then
    fail "$app_dir exists but was not made by this installer; move it away and run install.sh again."
fi
if [ -e "$link" ] || [ -L "$link" ]; then
    if [ -L "$link" ] && [ "$(readlink "$link")" = "$app_dir/$APP" ]; then
        link_state=ours
    else
        link_state=foreign
    fi
else
    link_state=none
fi
refuse_if_running
created_data_home=no
if [ ! -d "$data_home" ]; then created_data_home=yes; fi

if [ -e "$app_dir" ]; then
    say "Upgrading Recipro in $app_dir ..."
else
    say "Installing Recipro into $app_dir ..."
fi
mkdir -p "$data_home"
new=$data_home/.$APP-app.new.$$
old=$data_home/.$APP-app.old.$$
rm -rf "$new" "$old"
trap 'rm -rf "$new"' EXIT
trap 'exit 1' HUP INT TERM
mkdir "$new"
cp -RP "$here/." "$new/"
rm -f "$new/$MARKER"
: >"$new/$MARKER"
if [ $created_data_home = yes ]; then printf 'd %s\n' "$data_home" >>"$new/$MARKER"; fi

# Swap: the old copy steps aside, the new one takes its name, then the old one goes with what it added.
old_manifest=
if [ -e "$app_dir" ]; then
    old_manifest=$(cat "$app_dir/$MARKER")
    mv "$app_dir" "$old"
    if ! mv "$new" "$app_dir"; then
        mv "$old" "$app_dir"
        fail "could not move the new copy into place; the previous version is still installed."
    fi
else
    mv "$new" "$app_dir"
fi
trap - EXIT HUP INT TERM
if [ -n "$old_manifest" ]; then
    # The data-home entry stays with the new install; everything else of the old one is replaced below.
    case $nl$old_manifest$nl in
    *"${nl}d $data_home$nl"*) record "d $data_home" ;;
    esac
    remove_listed "$(printf '%s\n' "$old_manifest" | grep -vxF "d $data_home" || true)"
    rm -rf "$old"
fi

# The command.
case $link_state in
foreign)
    say "Note: $link already exists and is not Recipro's link; left as it is."
    say "      Start Recipro from the applications menu or with $app_dir/$APP."
    ;;
*)
    make_dir "$bin_dir"
    ln -s "$app_dir/$APP" "$link.tmp.$$"
    mv -f "$link.tmp.$$" "$link"
    record "l $link"
    ;;
esac

# The menu entry, pointing at the installed program by its absolute path.
quoted=$(exec_quote "$app_dir/$APP")
make_dir "$apps_dir"
desktop_tmp=$apps_dir/.$ID.desktop.new.$$
while IFS= read -r line || [ -n "$line" ]; do
    case $line in
    "Exec=$APP" | "Exec=$APP "*) printf 'Exec=%s%s\n' "$quoted" "${line#"Exec=$APP"}" ;;
    "TryExec="*) printf 'TryExec=%s\n' "$(printf '%s\n' "$app_dir/$APP" | sed 's/\\/\\\\/g')" ;;
    *) printf '%s\n' "$line" ;;
    esac
done <"$here/share/applications/$ID.desktop" >"$desktop_tmp"
put_file "$desktop_tmp" "$apps_dir/$ID.desktop"
rm -f "$desktop_tmp"

# The icons, one per size the bundle carries.
icon_count=0
for icon in "$here"/share/icons/hicolor/*/apps/"$ID".png "$here"/share/icons/hicolor/*/apps/"$ID".svg; do
    [ -f "$icon" ] || continue
    size_dir=$(basename "$(dirname "$(dirname "$icon")")")
    put_file "$icon" "$icons_dir/$size_dir/apps/$(basename "$icon")"
    icon_count=$((icon_count + 1))
done

refresh_caches install

say "Installed Recipro:"
say "  program     $app_dir/$APP"
[ "$link_state" = foreign ] || say "  command     $link"
say "  menu entry  $apps_dir/$ID.desktop ($icon_count icons)"
case ":${PATH:-}:" in
*":$bin_dir:"*) ;;
*) [ "$link_state" = foreign ] || say "Note: $bin_dir is not on your PATH; add it to run 'recipro' from a terminal." ;;
esac
journal_note
say "Remove it with: $app_dir/install.sh --uninstall"
