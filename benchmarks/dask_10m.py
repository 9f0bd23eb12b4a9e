"""Benchmark: convert and total a 10-million-row parquet file on Dask, against the pandas path, same run.

Run:  python benchmarks/dask_10m.py                  (10,000,000 rows, 5 runs of each path; aidtrack[dask,parquet])
      python benchmarks/dask_10m.py --rows 1e6 --repeat 1
      python benchmarks/dask_10m.py --big            (50,000,000 rows, Dask only: bounded memory)

What it does:

1. Writes ``--rows`` synthetic pledges to a parquet file in a temporary folder (deleted at the
   end), ``--row-group`` rows per row group (100,000), chunk by chunk in a child process (the
   whole table is never in memory): 500 donors, 17 currencies the ECB has fixed since 1999 (and
   EUR), dates 2000-01-01 to 2026-10-29, amounts with cents (float64).
2. **Dask**, in a fresh child process: imports what the workers need, unpickles the rate table
   once and freezes the garbage collector, then starts a ``LocalCluster`` of 2 worker processes
   *forked* from it (1 thread each, 127.0.0.1, the profiler off), so the libraries' pages are
   shared; ``dd.read_parquet(split_row_groups=True)`` reads the row groups lazily, and
   ``aidtrack.dask.totals(ddf, "EUR", by=["donor", "year"])`` converts and totals them (each
   partition converted with ``convert_frame`` and summed in minor units, the sums added
   exactly). Wall time includes starting the cluster.
3. **pandas** (skipped with ``--big`` or ``--dask-only``): in a fresh child process,
   ``pd.read_parquet`` of the whole file, ``convert_frame`` and ``totals``.
4. Prints wall and CPU times and the peak memory of each whole process tree (summed over the
   processes at each 50 ms sample, from ``/proc/<pid>/smaps_rollup``) as RSS and as PSS (shared
   pages split between the processes that share them: the fair sum for a tree), each process's
   own peak, and checks that the two totals tables are identical to the cent in every run; then
   the medians and the median of the runs' ratios.

Both paths run with ``MALLOC_ARENA_MAX=1``, ``MALLOC_MMAP_THRESHOLD_=65536``,
``MALLOC_TRIM_THRESHOLD_=65536`` and ``ARROW_DEFAULT_MEMORY_POOL=system`` (the script restarts
itself with them): freed memory goes back to the system instead of staying in malloc's arenas or
pyarrow's pool.

Target (issue 12): Dask peak memory at most 0.5 GB, totals identical; the 50M-row run totals with
bounded memory. Measured (docs/scaling.md, 5 runs): 10M rows 0.29-0.30 GB PSS (median 0.30) for the whole
Dask tree against pandas' 1.32 GB in the same runs (0.22x), totals identical; 50M rows 0.32 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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
    """Peak RSS and PSS of a process and all its descendants (summed at each sample), sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every = pid, every
        self.rss = self.pss = 0
        self.each: dict[int, int] = {}
        """Each process's own peak PSS (not at the same moment)."""
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
            procs = _tree(self.pid)
            self.rss = max(self.rss, sum(r for r, _ in procs.values()))
            self.pss = max(self.pss, sum(p for _, p in procs.values()))
            for pid, (_, pss) in procs.items():
                self.each[pid] = max(self.each.get(pid, 0), pss)
            self._stop.wait(self.every)


def _tree_memory(pid: int) -> tuple[int, int]:
    procs = _tree(pid)
    return sum(r for r, _ in procs.values()), sum(p for _, p in procs.values())


def _tree(pid: int) -> dict[int, tuple[int, int]]:
    """RSS and PSS (from /proc/<pid>/smaps_rollup) of ``pid`` and each of its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    todo, found = [pid], {}
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        fields = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in rollup[1:] if line.endswith("kB")}
        found[p] = (fields.get("Rss", 0), fields.get("Pss", 0))
    return found


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


def _preload() -> None:
    """What every worker needs, imported (and the rate table unpickled once) before the workers are forked."""
    import gc
    import pickle

    import dask.dataframe  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import aidtrack.dask.core  # noqa: F401
    from aidtrack.rates.sources import resolve_tables

    for table in resolve_tables(None):
        # a copy as the workers receive it: a table that arrives again in a process is that object
        _KEEP.append(pickle.loads(pickle.dumps(table)))
    gc.collect()
    gc.freeze()  # the garbage collector no longer writes to these objects, so the forked pages stay shared


_KEEP: list[object] = []


def run_dask(path: Path, workers: int, memory_limit: str) -> tuple[pd.DataFrame, float, tuple[int, int]]:
    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import aidtrack.dask

    started = time.perf_counter()
    _preload()
    settings = {
        # workers are forked from this process after _preload: the libraries' pages are shared, not copied
        "distributed.worker.multiprocessing-method": "fork",
        "distributed.worker.profile.enabled": False,  # the statistical profiler keeps source lines
    }
    with (
        dask.config.set(settings),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory_limit,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster),
    ):
        idle = _tree_memory(os.getpid())
        ddf = dd.read_parquet(path, split_row_groups=True)
        result = aidtrack.dask.totals(ddf, "EUR", ["donor", "year"])
    return result, time.perf_counter() - started, idle


def gb(n: int) -> str:
    return f"{n / 2**30:.2f} GB"


ENVIRONMENT = {
    "MALLOC_ARENA_MAX": "1",
    "MALLOC_MMAP_THRESHOLD_": "65536",
    "MALLOC_TRIM_THRESHOLD_": "65536",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
}
"""Set for the whole run, both paths (the benchmark restarts itself with them): one malloc arena per process
(glibc's default of one per thread keeps freed memory in each), and pyarrow allocating with malloc (its own
pool keeps what it freed)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=float, default=10_000_000)
    parser.add_argument("--row-group", type=float, default=100_000, help="rows per parquet row group (partition)")
    parser.add_argument("--big", action="store_true", help="50,000,000 rows, Dask only")
    parser.add_argument("--dask-only", action="store_true", help="skip the pandas path")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each path, interleaved (medians reported)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="1GB", help="per worker (Dask spills or pauses above it)")
    parser.add_argument("--dir", default=None, help="where to write the data (default: a temporary folder)")
    parser.add_argument("--pandas-child", nargs=2, metavar=("PARQUET", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--dask-child", nargs=4, metavar=("PARQUET", "OUT", "N", "LIMIT"), help=argparse.SUPPRESS)
    parser.add_argument("--generate-child", nargs=3, metavar=("PARQUET", "ROWS", "GROUP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if any(os.environ.get(k) != v for k, v in ENVIRONMENT.items()):
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **ENVIRONMENT})
    if args.pandas_child:
        run_pandas(Path(args.pandas_child[0]), Path(args.pandas_child[1]))
        return
    if args.dask_child:
        where, out, n, limit = args.dask_child
        result, wall, idle = run_dask(Path(where), int(n), limit)
        result.to_pickle(out)
        print(json.dumps({"wall": wall, "idle_rss": idle[0], "idle_pss": idle[1]}))
        return
    if args.generate_child:
        generate(Path(args.generate_child[0]), int(args.generate_child[1]), int(args.generate_child[2]))
        return
    rows = 50_000_000 if args.big else int(args.rows)
    group = int(args.row_group)
    dask_only = args.big or args.dask_only
    repeat = 1 if args.big else args.repeat
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="aidtrack-dask-bench-") as tmp:
        path = Path(tmp) / "pledges.parquet"
        t0 = time.perf_counter()
        # in a child process, so that this one (the client and scheduler) starts lean
        subprocess.run([sys.executable, __file__, "--generate-child", str(path), str(rows), str(group)], check=True)
        size = path.stat().st_size
        print(
            f"data: {rows:,} rows, {-(-rows // group)} row groups, {size / 2**20:.0f} MB parquet "
            f"(written in {time.perf_counter() - t0:.1f} s); {repeat} run(s) of each path, interleaved"
        )
        dask_runs: list[tuple[float, float, int, int]] = []
        pandas_runs: list[tuple[float, float, int, int]] = []
        for _ in range(repeat):
            got, wall, cpu, rss, pss, idle = _dask_child(path, Path(tmp), args.workers, args.memory_limit)
            dask_runs.append((wall, cpu, rss, pss))
            print(
                f"dask   ({args.workers} worker processes): {wall:6.1f} s wall, {cpu:6.1f} s CPU, peak memory of the "
                f"process tree "
                f"{gb(rss)} RSS / {gb(pss)} PSS (idle tree {gb(idle[0])} RSS / {gb(idle[1])} PSS)"
            )
            if dask_only:
                continue
            want, pwall, pcpu, prss, ppss = _pandas_child(path, Path(tmp))
            pandas_runs.append((pwall, pcpu, prss, ppss))
            print(
                f"pandas (read whole + convert_frame + totals): {pwall:6.1f} s wall, {pcpu:6.1f} s CPU, peak memory "
                f"{gb(prss)} RSS / {gb(ppss)} PSS"
            )
            pd.testing.assert_frame_equal(got, want, check_exact=True)
            assert got.attrs["grand_total"] == want.attrs["grand_total"]
        print(f"grand total {got.attrs['grand_total']}, {len(got)} donor x year groups, {got.attrs['count']:,} rows")
        dwall, dcpu, drss, dpss = (statistics.median(x) for x in zip(*dask_runs, strict=True))
        print(f"dask medians: {dwall:.1f} s wall, {dcpu:.1f} s CPU, peak {gb(int(drss))} RSS / {gb(int(dpss))} PSS")
        if not pandas_runs:
            return
        pwall, pcpu, prss, ppss = (statistics.median(x) for x in zip(*pandas_runs, strict=True))
        print(f"pandas medians: {pwall:.1f} s wall, {pcpu:.1f} s CPU, peak {gb(int(prss))} RSS / {gb(int(ppss))} PSS")
        print("totals identical to the cent in every run: True (every group, and the grand total)")
        ratios = [(d[0] / p[0], d[1] / p[1], d[3] / p[3]) for d, p in zip(dask_runs, pandas_runs, strict=True)]
        wall_ratio, cpu_ratio, mem_ratio = (statistics.median(x) for x in zip(*ratios, strict=True))
        print(
            f"ratio dask / pandas (median of the runs' ratios): wall {wall_ratio:.2f}x, CPU {cpu_ratio:.2f}x, "
            f"peak memory (PSS) {mem_ratio:.2f}x"
        )


def _dask_child(
    path: Path, tmp: Path, workers: int, memory_limit: str
) -> tuple[pd.DataFrame, float, float, int, int, tuple[int, int]]:
    """One Dask run in a fresh child process (client, scheduler and forked workers), measured as a tree."""
    out = tmp / "dask.pkl"
    cmd = [sys.executable, __file__, "--dask-child", str(path), str(out), str(workers), memory_limit]
    before = _children_cpu()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    with PeakMemory(child.pid) as mem:
        stdout, _ = child.communicate()
    if child.returncode:
        raise SystemExit(f"the dask run failed ({child.returncode})")
    cpu = _children_cpu() - before
    info = json.loads(stdout.strip().splitlines()[-1])
    peaks = sorted(mem.each.values(), reverse=True)
    print("       each process's own peak PSS: " + ", ".join(gb(p) for p in peaks if p > 2**24))
    return pd.read_pickle(out), info["wall"], cpu, mem.rss, mem.pss, (info["idle_rss"], info["idle_pss"])


def _pandas_child(path: Path, tmp: Path) -> tuple[pd.DataFrame, float, float, int, int]:
    out = tmp / "pandas.pkl"
    before = _children_cpu()
    child = subprocess.Popen(
        [sys.executable, __file__, "--pandas-child", str(path), str(out)], stdout=subprocess.PIPE, text=True
    )
    with PeakMemory(child.pid) as mem:
        stdout, _ = child.communicate()
    if child.returncode:
        raise SystemExit(f"the pandas run failed ({child.returncode})")
    cpu = _children_cpu() - before
    return pd.read_pickle(out), json.loads(stdout.strip().splitlines()[-1])["wall"], cpu, mem.rss, mem.pss


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process and their own children."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
