"""Qt widgets, models and the background runner: the only package that imports PySide6."""
