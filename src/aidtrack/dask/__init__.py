"""Dask DataFrames: exact conversion and totals beyond one machine's memory (``pip install "aidtrack[dask]"``).

:func:`convert` and :func:`totals` do what :func:`aidtrack.frames.convert.convert_frame`
and :func:`aidtrack.frames.aggregate.totals` do, with identical results, on a
Dask DataFrame: partitions read lazily from parquet or CSV files, on the
threads of one process, the worker processes of a ``LocalCluster`` or a
cluster reached through ``distributed.Client("tcp://scheduler:8786")``.
Importing this package registers the ``ddf.aidtrack`` accessor
(:mod:`aidtrack.dask.accessor`). See the "Scaling out" page of the docs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aidtrack._extras

aidtrack._extras.require("dask.dataframe", "dask", "aidtrack.dask")
aidtrack._extras.require("distributed", "dask", "aidtrack.dask")

from aidtrack._lazy import lazy_module  # noqa: E402
from aidtrack.dask.accessor import DaskAccessor, register_dask_accessor  # noqa: E402

if TYPE_CHECKING:
    from aidtrack.dask.core import (
        MAX_PROBLEMS,
        conversion_problems_of,
        convert,
        grand_total,
        share_table,
        totals,
    )

_EXPORTS = {
    "DaskAccessor": "aidtrack.dask.accessor",
    "register_dask_accessor": "aidtrack.dask.accessor",
    "MAX_PROBLEMS": "aidtrack.dask.core",
    "conversion_problems_of": "aidtrack.dask.core",
    "convert": "aidtrack.dask.core",
    "grand_total": "aidtrack.dask.core",
    "share_table": "aidtrack.dask.core",
    "totals": "aidtrack.dask.core",
}

__all__, __getattr__, __dir__ = lazy_module(__name__, globals(), _EXPORTS)
