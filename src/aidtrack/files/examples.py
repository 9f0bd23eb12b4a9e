"""Example files shipped inside the package, so the docs' recipes work from an installed aidtrack.

>>> from aidtrack.files import example_path
>>> example_path().endswith("ramstein-2025-01-09.csv")
True
>>> from pathlib import Path
>>> Path(example_path("article_en.txt")).read_text(encoding="utf-8")[:20]
'Allies pledge new mi'

The recipes of the documentation use these, so they also work from an installed
aidtrack without the repository's ``examples/`` folder.
"""

from __future__ import annotations

import os

from aidtrack.errors import InvalidArgumentError

__all__ = ["EXAMPLES", "example_path"]

_FOLDER = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "examples")
EXAMPLES = (
    "ramstein-2025-01-09.csv",
    "article_de.txt",
    "article_en.txt",
    "iati-activities.xml",
    "fts-flows.json",
)
"""The example files :func:`example_path` knows (copies of the repository's ``examples/``)."""


def example_path(name: str = "ramstein-2025-01-09.csv") -> str:
    """Path of a bundled example file (default: the Ramstein pledges of 9 January 2025)."""
    if name not in EXAMPLES:
        raise InvalidArgumentError(
            "name", name, f"no bundled example {name!r}; the examples are: {', '.join(EXAMPLES)}"
        )
    return os.path.join(_FOLDER, name)
