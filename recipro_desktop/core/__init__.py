"""Pure domain: dataclasses, enums and rules. Imports neither PySide6 nor SQLAlchemy."""
