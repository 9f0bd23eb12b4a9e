"""Benchmark: convert and total a 10-million-row parquet file on Dask, against the pandas path, same run.

Run:  python benchmarks/dask_10m.py                  (10,000,000 rows; needs aidtrack[dask,parquet])
      python benchmarks/dask_10m.py --rows 1e6
      python benchmarks/dask_10m.py --big            (50,000,000 rows, Dask only: bounded memory)

What it does:

1. Writes ``--rows`` synthetic pledges to a parquet file in a temporary folder,
   ``--row-group`` rows per row group, chunk by chunk (the whole table is never
   in memory): 500 donors, 17 currencies the ECB has fixed since 1999 (and
   EUR), dates 2000-01-01 to 2026-10-29, amounts with cents (float64).
2. **Dask**: a ``LocalCluster`` of 2 worker processes (1 thread each, on
   127.0.0.1, HTTP port on loopback); ``dd.read_parquet(split_row_groups=True)`` reads
   the row groups lazily, and ``aidtrack.dask.totals(ddf, "EUR", by=["donor",
   "year"])`` converts and totals them (each partition converted with
   ``convert_frame`` and summed in minor units, the sums added exactly). Wall
   time includes starting the cluster.
3. **pandas** (skipped with ``--big``): in a fresh child process,
   ``pd.read_parquet`` of the whole file, ``convert_frame`` and ``totals``.
4. Prints wall times, the peak memory of each whole process tree (the main
   process, the nannies, the workers; sampled every 50 ms with psutil, or
   /proc without it) as RSS and as PSS (shared pages split between the
   processes that share them: the fair sum for a tree), and checks that the
   two totals tables are identical to the cent.

Target (issue 12): Dask peak memory at most 0.5 GB, totals identical; the
50M-row run totals with bounded memory. Measured (docs/scaling.md): 10M rows 0.80 GB PSS against
pandas' 1.48 GB, of which about 0.4 GB is the idle tree of five processes; 50M rows 0.89 GB PSS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

CURRENCIES = ["EUR", "USD", "JPY", "GBP", "CHF", "SEK", "NOK", "DKK", "CAD", "AUD", "HKD", "NZD", "SGD", "KRW"]
CURRENCIES += ["ZAR", "CZK", "HUF", "PLN"]
FIRST, LAST = pd.Timestamp("2000-01-01"), pd.Timestamp("2026-10-29")


def generate(path: Path, rows: int, row_group: int, seed: int = 12) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    donors = np.array([f"donor {i:03d}" for i in range(500)], dtype=object)
    span = (LAST - FIRST).days + 1
    schema = pa.schema(
        [("donor", pa.string()), ("amount", pa.float64()), ("currency", pa.string()), ("date", pa.timestamp("s"))]
    )
    with pq.ParquetWriter(path, schema) as writer:
        done = 0
        while done < rows:
            n = min(row_group, rows - done)
            days = FIRST.to_datetime64().astype("M8[s]") + (rng.integers(0, span, n) * 86_400).astype("m8[s]")
            chunk = pa.table(
                {
                    "donor": pa.array(donors[rng.integers(0, len(donors), n)], type=pa.string()),
                    "amount": np.round(rng.uniform(1, 5e8, n), 2),
                    "currency": pa.array(np.array(CURRENCIES, dtype=object)[rng.integers(0, len(CURRENCIES), n)]),
                    "date": days,
                },
                schema=schema,
            )
            writer.write_table(chunk, row_group_size=row_group)
            done += n


class PeakMemory:
    """Peak RSS and PSS of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every = pid, every
        self.rss = self.pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            rss, pss = _tree_memory(self.pid)
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
            self._stop.wait(self.every)


def _tree_memory(pid: int) -> tuple[int, int]:
    try:
        import psutil
    except ImportError:
        return _tree_memory_proc(pid)
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    rss = pss = 0
    for p in procs:
        try:
            info = p.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss, pss


def _tree_memory_proc(pid: int) -> tuple[int, int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    todo, rss, pss = [pid], 0, 0
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        fields = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in rollup[1:] if line.endswith("kB")}
        rss += fields.get("Rss", 0)
        pss += fields.get("Pss", 0)
    return rss, pss


def run_pandas(path: Path, out: Path) -> None:
    """The pandas path, in this (child) process: read whole, convert, total."""
    from aidtrack.frames.aggregate import totals
    from aidtrack.frames.convert import convert_frame

    started = time.perf_counter()
    df = pd.read_parquet(path)
    conv = convert_frame(df, "EUR")
    result = totals(conv, "EUR", ["donor", "year"])
    wall = time.perf_counter() - started
    result.to_pickle(out)
    print(json.dumps({"wall": wall}))


def _warm() -> None:
    import pyarrow.parquet  # noqa: F401

    import aidtrack.dask.core  # noqa: F401


def run_dask(path: Path, workers: int) -> tuple[pd.DataFrame, float, tuple[int, int]]:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import aidtrack.dask

    started = time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_warm)  # the libraries every worker imports anyway, to measure the idle tree
        idle = _tree_memory(os.getpid())
        ddf = dd.read_parquet(path, split_row_groups=True)
        result = aidtrack.dask.totals(ddf, "EUR", ["donor", "year"])
    return result, time.perf_counter() - started, idle


def gb(n: int) -> str:
    return f"{n / 2**30:.2f} GB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=float, default=10_000_000)
    parser.add_argument("--row-group", type=float, default=500_000, help="rows per parquet row group (partition)")
    parser.add_argument("--big", action="store_true", help="50,000,000 rows, Dask only")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dir", default=None, help="where to write the data (default: a temporary folder)")
    parser.add_argument("--pandas-child", nargs=2, metavar=("PARQUET", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pandas_child:
        run_pandas(Path(args.pandas_child[0]), Path(args.pandas_child[1]))
        return
    rows = 50_000_000 if args.big else int(args.rows)
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="aidtrack-dask-bench-") as tmp:
        path = Path(tmp) / "pledges.parquet"
        t0 = time.perf_counter()
        generate(path, rows, int(args.row_group))
        size = path.stat().st_size
        print(
            f"data: {rows:,} rows, {rows // int(args.row_group)} row groups, {size / 2**20:.0f} MB parquet "
            f"(written in {time.perf_counter() - t0:.1f} s)"
        )

        with PeakMemory(os.getpid()) as mem:
            base_rss, _ = _tree_memory(os.getpid())
            got, wall, (idle_rss, idle_pss) = run_dask(path, args.workers)
        print(
            f"dask   ({args.workers} worker processes): {wall:6.1f} s wall, peak memory of the process tree "
            f"{gb(mem.rss)} RSS / {gb(mem.pss)} PSS"
        )
        print(
            f"       of which the idle tree (this process, scheduler, nannies, workers with pandas, pyarrow and "
            f"aidtrack imported): {gb(idle_rss)} RSS / {gb(idle_pss)} PSS; this process alone before: {gb(base_rss)}"
        )
        print(
            f"       grand total {got.attrs['grand_total']}, {len(got)} donor x year groups, "
            f"{got.attrs['count']:,} rows"
        )
        if args.big:
            return
        out = Path(tmp) / "pandas.pkl"
        cmd = [sys.executable, __file__, "--pandas-child", str(path), str(out)]
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        with PeakMemory(child.pid) as pmem:
            stdout, _ = child.communicate()
        if child.returncode:
            raise SystemExit(f"the pandas run failed ({child.returncode})")
        pwall = json.loads(stdout.strip().splitlines()[-1])["wall"]
        want = pd.read_pickle(out)
        print(
            f"pandas (read whole + convert_frame + totals): {pwall:6.1f} s wall, peak memory "
            f"{gb(pmem.rss)} RSS / {gb(pmem.pss)} PSS"
        )
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        same = got.attrs["grand_total"] == want.attrs["grand_total"]
        print(f"totals identical to the cent: {same} (every group, and the grand total {want.attrs['grand_total']})")
        print(
            f"ratio dask / pandas: wall {wall / pwall:.2f}x, peak memory {mem.pss / pmem.pss:.2f}x (PSS), "
            f"{mem.rss / pmem.rss:.2f}x (RSS)"
        )


if __name__ == "__main__":
    main()
