"""Qt-free use cases over the storage layer."""
