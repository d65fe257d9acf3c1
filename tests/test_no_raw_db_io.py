"""A13 (static): no raw file I/O on database files anywhere in the package, outside the vetted helpers.

POSIX drops *all* of a process's fcntl locks on a file as soon as *any* descriptor of that file is
closed (sqlite.org/howtocorrupt.html §2.2). So ``open(journal.db).read()`` for a hash or a size check, or
``shutil.copy(journal.db, backup)``, silently removes SQLite's locks and can corrupt the journal. Database
bytes are only touched by SQLite itself, by the backup API, and by two vetted helpers that work on *closed*
files: :mod:`recipro_desktop.storage.fsutil` and ``driver.is_plaintext_sqlite``/``_create_private_file``.

The check parses every module (AST, not grep: comments and strings do not trip it) and flags any file-I/O
call (``open``, ``os.open``, ``io.open``, ``Path.open``, ``read_bytes``/``write_bytes``/``read_text``/
``write_text``, ``shutil.copy*``, ``os.truncate``) whose receiver or arguments mention a database-ish name
(``db``, ``database``, ``wal``, ``shm``, ``sqlite``, ``backup``, or a ``.db`` string). The runtime half of A13
(an audit hook during backup and restore) is in tests/storage/test_backup.py.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "recipro_desktop"
EXCLUDED_DIRS = {"forms"}  # generated Qt code

# module path (relative to the package's parent) -> functions allowed to do raw I/O ("*" = whole module)
ALLOWED: dict[str, set[str]] = {
    "recipro_desktop/storage/fsutil.py": {"*"},
    "recipro_desktop/storage/driver.py": {"is_plaintext_sqlite", "_create_private_file"},
    # A backup archive is a closed file no connection holds; its database is extracted before SQLite opens it.
    "recipro_desktop/storage/backup_file.py": {"is_archive", "write_archive", "extract_database"},
    # I5: reads the log (and pages of the database) before any connection of this process opens the journal;
    # its callers check that (database._refuse_damaged_log, cli's check before its open).
    "recipro_desktop/storage/wal.py": {"scan", "_already_in_database", "in_use_elsewhere", "keep_damaged_copy"},
}

IO_FUNCTIONS = {"open"}
IO_QUALIFIED = {
    ("os", "open"),
    ("io", "open"),
    ("codecs", "open"),
    ("os", "truncate"),
    ("shutil", "copy"),
    ("shutil", "copy2"),
    ("shutil", "copyfile"),
    ("shutil", "copyfileobj"),
}
IO_METHODS = {"open", "read_bytes", "write_bytes", "read_text", "write_text"}
DB_TOKENS = {"db", "database", "databases", "wal", "shm", "sqlite", "sqlite3", "backup", "backups"}
DB_STRING = re.compile(r"\.db\b|-wal\b|-shm\b|journal\.db", re.IGNORECASE)


def _tokens(name: str) -> set[str]:
    """``paths.database`` -> {"database"}; ``backup_file`` -> {"backup", "file"}; ``walDir`` -> {"wal", "dir"}."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return {t.lower() for t in re.split(r"[^A-Za-z0-9]+", spaced) if t}


def _mentions_db(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and _tokens(sub.id) & DB_TOKENS:
            return True
        if isinstance(sub, ast.Attribute) and _tokens(sub.attr) & DB_TOKENS:
            return True
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and DB_STRING.search(sub.value):
            return True
    return False


def _io_call(call: ast.Call) -> tuple[bool, list[ast.AST]]:
    """(is a file-I/O call, the expressions to inspect for database names)."""
    func = call.func
    inspect: list[ast.AST] = [*call.args, *(k.value for k in call.keywords)]
    if isinstance(func, ast.Name) and func.id in IO_FUNCTIONS:
        return True, inspect
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name) and (func.value.id, func.attr) in IO_QUALIFIED:
            return True, inspect
        receiver = func.value
        # ``Database.open(paths, key)`` is a class's constructor, not file I/O; ``os``/``io`` are handled above.
        is_class_or_module = isinstance(receiver, ast.Name) and (
            receiver.id[:1].isupper() or receiver.id in {"os", "io"}
        )
        if func.attr in IO_METHODS and not is_class_or_module:
            return True, [receiver, *inspect]
    return False, []


def violations(source: str, module: str) -> list[str]:
    """``module:line: call`` for each raw I/O call on a database-ish name outside the allowed functions."""
    allowed = ALLOWED.get(module, set())
    if "*" in allowed:
        return []
    found: list[str] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
            if isinstance(child, ast.Call) and (function not in allowed):
                is_io, inspect = _io_call(child)
                if is_io and any(_mentions_db(expr) for expr in inspect):
                    found.append(f"{module}:{child.lineno}: {ast.unparse(child)[:100]}")
            visit(child, name)

    visit(ast.parse(source), None)
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if not EXCLUDED_DIRS & set(p.relative_to(PACKAGE).parts[:-1]))


def test_a13_no_raw_io_on_database_files_in_the_package() -> None:
    problems: list[str] = []
    for path in _modules():
        module = path.relative_to(PACKAGE.parent).as_posix()
        problems += violations(path.read_text(encoding="utf-8"), module)
    assert problems == [], "raw file I/O on a database path (use the backup API or storage.fsutil):\n" + "\n".join(
        problems
    )


def test_a13_allowed_helpers_still_exist() -> None:
    """If an allowed helper is renamed, the allow-list must follow (and be re-reviewed), not silently widen."""
    for module, functions in ALLOWED.items():
        tree = ast.parse((PACKAGE.parent / module).read_text(encoding="utf-8"))
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert functions - {"*"} <= defined, module


@pytest.mark.parametrize(
    ("snippet", "flagged"),
    [
        ("open(paths.database, 'rb').read()", True),
        ("with open(self.db_path) as fh: pass", True),
        ("hashlib.sha256(paths.database.read_bytes())", True),
        ("shutil.copy(journal_db, target)", True),
        ("shutil.copy2(src, dest_dir / 'journal.db')", True),
        ("os.open(paths.wal, os.O_RDONLY)", True),
        ("paths.shm.open('rb')", True),
        ("latest_backup.read_bytes()", True),
        ("dbFile.open()", True),
        ("Database.open(paths, key)", False),
        ("open(csv_path, newline='')", False),
        ("export_path.write_text(text)", False),
        ("log_file.open('a')", False),
        ("conn.execute('SELECT 1 FROM journal_entry')", False),
        ("# open(paths.database)\nx = 1", False),
        ("s = 'open(journal.db)'", False),
    ],
)
def test_a13_guard_catches_what_it_should(snippet: str, flagged: bool) -> None:
    """The guard itself: raw I/O on database-ish names is flagged, ordinary file I/O and comments are not."""
    assert bool(violations(snippet, "recipro_desktop/somewhere.py")) is flagged


def test_a13_guard_respects_the_allow_list() -> None:
    source = "def is_plaintext_sqlite(path):\n    open(path_db)\n\ndef other():\n    open(path_db)\n"
    assert [v.split(":")[1] for v in violations(source, "recipro_desktop/storage/driver.py")] == ["5"]
