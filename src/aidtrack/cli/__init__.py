"""The ``aidtrack`` command line (``aidtrack ...`` or ``python -m aidtrack ...``). Nothing imports this package.

:mod:`aidtrack.cli.app` builds the parser and runs a subcommand; each group of subcommands has
its own module (:mod:`aidtrack.cli.rates`, :mod:`aidtrack.cli.extract`).
"""

from __future__ import annotations

from aidtrack.cli.app import main

__all__ = ["main"]
