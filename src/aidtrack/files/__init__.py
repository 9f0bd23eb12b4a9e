"""Pledge files in every format: CSV, JSON, Parquet and Excel (reading validates every row; writing is atomic)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aidtrack._lazy import lazy_module

if TYPE_CHECKING:
    from aidtrack.files.csvfile import read_pledges_csv, write_pledges_csv
    from aidtrack.files.examples import example_path
    from aidtrack.files.formats import detect_format, read_pledge_frame, read_pledges, write_frame, write_pledges

_EXPORTS = {
    "read_pledges": "aidtrack.files.formats",
    "read_pledge_frame": "aidtrack.files.formats",
    "write_pledges": "aidtrack.files.formats",
    "write_frame": "aidtrack.files.formats",
    "detect_format": "aidtrack.files.formats",
    "read_pledges_csv": "aidtrack.files.csvfile",
    "write_pledges_csv": "aidtrack.files.csvfile",
    "example_path": "aidtrack.files.examples",
}

__all__, __getattr__, __dir__ = lazy_module(__name__, globals(), _EXPORTS)
