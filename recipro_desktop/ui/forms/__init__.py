"""Generated Qt forms and resources (resources/compile.py): do not edit, regenerate instead."""
