"""The version of aidtrack, defined here and nowhere else (pyproject reads it)."""

__version__ = "0.2.0"
