"""SQLCipher storage: engine, key slots, ORM tables, repositories, migrations, backups."""
