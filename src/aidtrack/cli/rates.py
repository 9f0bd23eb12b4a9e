"""The ``aidtrack rates`` subcommands (``update``, ``info``) and the ``--source`` option of the others.

``aidtrack rates update [--source NAME ...] [--force]`` downloads into the
cache (a progress bar on a terminal, nothing when the output is not a TTY);
``aidtrack rates info`` lists the cached sources, their currencies, date
ranges and age, and the cache path. ``--source`` on ``convert``, ``totals``
and ``demo`` picks the rates: ``bundled`` (default), ``ecb``, ``ecb-sdmx``,
``boc``, ``frankfurter``, or the path of a CSV of date,currency,rate (with
``--rates-base``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TextIO

from aidtrack.errors import AidtrackError, InvalidArgumentError

__all__ = [
    "NETWORK_SOURCES",
    "add_source_arguments",
    "one_line",
    "rates_parser",
    "source_context",
    "source_from_spec",
]

NETWORK_SOURCES = ("ecb", "ecb-sdmx", "boc", "frankfurter", "imf", "nbu")
UPDATABLE = (*NETWORK_SOURCES, "ecb-sdmx-monthly", "ecb-sdmx-annual")
SOURCE_HELP = (
    "where the rates come from: default (the ECB snapshot shipped with aidtrack, then its IMF annual table), "
    "bundled (the ECB snapshot only), imf-bundled, "
    + ", ".join(NETWORK_SOURCES)
    + " (cached downloads; see 'aidtrack rates'), A+B (A, then B), or a CSV file of date,currency,rate "
    "(give --rates-base)"
)


def add_source_arguments(p: argparse.ArgumentParser) -> None:
    """Add ``--source``, ``--rates-base`` and ``--offline`` to a subcommand."""
    p.add_argument("--source", default=None, metavar="SOURCE", help=SOURCE_HELP)
    p.add_argument(
        "--rates-base", default=None, metavar="CODE", help="base currency of a CSV given to --source (e.g. EUR)"
    )
    p.add_argument(
        "--offline", action="store_true", default=None, help="never use the network (same as AIDTRACK_OFFLINE=1)"
    )


def source_from_spec(spec: str, *, rates_base: str | None = None, offline: bool | None = None) -> Any:
    """The source named by ``--source``: a name, or the path of a rates CSV."""
    name = spec.strip()
    if name.lower() in ("ecb-sdmx-monthly", "ecb-sdmx-annual"):
        raise InvalidArgumentError(
            "--source",
            spec,
            f"--source {name} is the ECB's published (rounded) averages, kept for comparison "
            "('aidtrack rates update --source " + name + "'), not a rate source for conversions: "
            "use --source ecb-sdmx (or ecb) with --policy " + ("monthly_mean" if "monthly" in name else "annual_mean"),
        )
    if "+" in name or name.lower() in ("default", "imf-bundled", "ecb-bundled"):
        from aidtrack.rates.sources import resolve_source

        return resolve_source(name, offline=offline, rates_base=rates_base)
    if name.lower() == "bundled":
        from aidtrack.rates.bundled import BundledECB

        return BundledECB()
    if name.lower() in UPDATABLE:
        from aidtrack.rates.remote.services import source_from_name

        return source_from_name(name, offline=offline)
    if _is_path(name):
        if not rates_base:
            raise InvalidArgumentError(
                "--rates-base", None, f"--source {name} is a rates file: give its base currency with --rates-base"
            )
        from aidtrack.rates.parsers.user import read_rate_table_csv

        return read_rate_table_csv(name, base=rates_base)
    raise InvalidArgumentError(
        "--source",
        spec,
        f"unknown rate source {spec!r}: expected bundled, imf-bundled, default, "
        f"{', '.join(NETWORK_SOURCES)}, A+B or a CSV path",
    )


def _is_path(spec: str) -> bool:
    name = spec.strip()
    return name.lower() not in ("bundled", *UPDATABLE) and (name.lower().endswith((".csv", ".txt")) or "/" in name)


@contextlib.contextmanager
def source_context(args: argparse.Namespace) -> Iterator[None]:
    """Make ``--source`` the default source while a subcommand runs; print aidtrack's warnings plainly."""
    from aidtrack.errors import AidtrackWarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        print(f"aidtrack: warning: {message}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.simplefilter("always", AidtrackWarning)
        previous_show = warnings.showwarning
        warnings.showwarning = show
        try:
            # only commands with --rates-base take --source as the default source ('rates update' names
            # the sources to update instead)
            spec = getattr(args, "source", None) if hasattr(args, "rates_base") else None
            base = getattr(args, "rates_base", None)
            if base is not None:
                from aidtrack.currency import normalize_currency

                if spec is None or not _is_path(spec):
                    raise InvalidArgumentError(
                        "--rates-base",
                        base,
                        "--rates-base is the base currency of a rates CSV given to --source; "
                        "give --source FILE.csv too, or leave --rates-base out",
                    )
                normalize_currency(base)
            if spec is None:
                yield
                return
            from aidtrack.rates.sources import using_source

            source = source_from_spec(spec, rates_base=args.rates_base, offline=args.offline)
            with using_source(source):
                yield
        finally:
            warnings.showwarning = previous_show


# -- aidtrack rates ------------------------------------------------------------------
def rates_parser(sub: Any) -> None:
    """Register ``aidtrack rates update`` and ``aidtrack rates info``."""
    p = sub.add_parser(
        "rates",
        help="download rates into the cache, or show what is cached",
        description="Manage the rate cache: 'update' downloads, 'info' shows sources, ranges, ages and the cache path.",
    )
    rsub = p.add_subparsers(dest="rates_command", metavar="ACTION")
    rsub.required = True
    u = rsub.add_parser("update", help="download the latest rates into the cache", description=_UPDATE_DOC)
    u.add_argument(
        "--source",
        dest="update_sources",  # not "source": that one is the conversions' --source (source_context)
        action="append",
        default=None,
        choices=[*UPDATABLE, "all"],
        help="source to update (repeatable; default ecb; 'all' for every rate source)",
    )
    u.add_argument("--force", action="store_true", help="download in full, ignoring ETag/Last-Modified and the cache")
    u.add_argument("--cache-dir", default=None, help="cache folder (default: $AIDTRACK_CACHE_DIR or the user cache)")
    u.set_defaults(run=_run_update)
    i = rsub.add_parser("info", help="show the sources, their currencies, date ranges, age and the cache path")
    i.add_argument("--cache-dir", default=None, help="cache folder (default: $AIDTRACK_CACHE_DIR or the user cache)")
    i.add_argument("--json", action="store_true", help="machine-readable output")
    i.set_defaults(run=_run_info)


_UPDATE_DOC = (
    "Download the latest rates into the cache. A download is parsed and validated before it replaces the cached "
    "copy, so a failed or bad download leaves the cache as it was. Several processes may update at once."
)


class _Progress:
    """A tqdm bar per download, created on the first chunk (silent when stderr is not a terminal)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            from tqdm import tqdm  # type: ignore[import-untyped]

            self.bar = tqdm(
                total=total, unit="B", unit_scale=True, desc=self.label, file=sys.stderr, disable=None, leave=False
            )
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _run_update(args: argparse.Namespace, out: TextIO) -> int:
    from aidtrack.errors import OfflineError
    from aidtrack.rates.remote.http import offline_from_env
    from aidtrack.rates.remote.services import source_from_name

    if offline_from_env():  # before anything touches the cache folder
        raise InvalidArgumentError(
            "AIDTRACK_OFFLINE",
            "1",
            "offline mode is on (AIDTRACK_OFFLINE), and 'aidtrack rates update' needs the network: unset "
            "AIDTRACK_OFFLINE to download (conversions keep using the cache or the bundled snapshot)",
        )
    names = args.update_sources or ["ecb"]
    if "all" in names:
        names = list(NETWORK_SOURCES)
    failed = 0
    for name in dict.fromkeys(names):
        src = source_from_name(name, cache_dir=args.cache_dir)
        bar = _Progress(name)
        try:
            result = src.update(force=args.force, progress=bar)
        except OfflineError:
            failed += 1
            bar.close()
            print(
                f"aidtrack: error: {name}: offline mode is on (AIDTRACK_OFFLINE), and 'rates update' "
                "needs the network: unset AIDTRACK_OFFLINE to download; the cache is unchanged",
                file=sys.stderr,
            )
            continue
        except AidtrackError as exc:
            failed += 1
            bar.close()
            kept = _kept(src)
            print(f"aidtrack: error: {name}: {one_line(str(exc))}; {kept}", file=sys.stderr)
            continue
        bar.close()
        out.write(result.describe() + "\n")
    if not failed:
        out.write(f"cache: {_cache_path(args.cache_dir)}\n")
    return 1 if failed else 0


def one_line(text: str) -> str:
    """``text`` on one line: its lines joined with "; " (CLI errors are one line on stderr)."""
    parts = [" ".join(line.split()) for line in text.splitlines()]
    joined = "; ".join(p[2:] if p.startswith("- ") else p for p in parts if p.strip())
    return joined.replace(":;", ":")


def _kept(src: Any) -> str:
    try:
        entry = src.cache.entry(src.key)
    except AidtrackError as exc:
        return f"the cache could not be read: {exc}"
    if entry is None:
        return "nothing was cached for this source; conversions use the bundled snapshot or fail"
    when = f"{entry.retrieved:%Y-%m-%d %H:%M} UTC"
    return f"the cache is unchanged: {entry.first_date} to {entry.last_date}, retrieved {when}"


def _cache_path(directory: str | None) -> str:
    from aidtrack.rates.remote.cache import cache_dir

    return str(cache_dir(directory))


def _info(directory: str | None) -> dict[str, Any]:
    from aidtrack.rates.bundled import bundled_table
    from aidtrack.rates.remote.cache import RateCache
    from aidtrack.rates.remote.http import offline_from_env
    from aidtrack.rates.remote.services import SOURCE_CLASSES, EcbOfficialAverages

    cache = RateCache(directory)
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    b = bundled_table().info
    rows.append(
        {
            "key": "bundled",
            "name": b.name,
            "status": "bundled",
            "first_date": b.first_date.isoformat(),
            "last_date": b.last_date.isoformat(),
            "currencies": len(bundled_table().currencies) - 1,
            "currency_codes": [c for c in bundled_table().currencies if c != "EUR"],
            "retrieved": None,
            "age": f"data {(now.date() - b.last_date).days} days old",
            "file": None,
            "url": b.url,
        }
    )
    problem = None
    try:
        entries = cache.manifest()
    except AidtrackError as exc:
        entries, problem = {}, str(exc)
    classes: dict[str, Any] = {**SOURCE_CLASSES, "ecb-sdmx-monthly": EcbOfficialAverages}
    classes["ecb-sdmx-annual"] = EcbOfficialAverages
    from aidtrack.rates.staleness import describe_age

    for key, e in sorted(entries.items()):
        prefix = max((k for k in classes if key == k or key.startswith(k + "-")), key=len, default=None)
        cls = classes.get(prefix) if prefix else None
        staleness = cls.default_staleness if cls is not None else None
        stale = staleness.is_stale(e.retrieved, now=now) if staleness is not None else None
        rows.append(
            {
                "key": key,
                "name": getattr(cls, "name", key)
                if cls is not EcbOfficialAverages
                else f"ECB official averages ({key})",
                "status": "stale" if stale else "fresh",
                "first_date": e.first_date.isoformat(),
                "last_date": e.last_date.isoformat(),
                "currencies": len(e.currencies),
                "currency_codes": list(e.currencies),
                "retrieved": e.retrieved.isoformat(),
                "age": f"retrieved {describe_age(now - e.retrieved)} ago",
                "file": str(cache.path / e.file),
                "url": max(e.downloads, key=lambda d: d.retrieved).url if e.downloads else None,
            }
        )
    return {"cache": str(cache.path), "offline": offline_from_env(), "problem": problem, "sources": rows}


def _run_info(args: argparse.Namespace, out: TextIO) -> int:
    import os

    from aidtrack.cli.render import render_table
    from aidtrack.rates.remote.cache import MANIFEST

    if args.cache_dir is not None and not os.path.isfile(os.path.join(args.cache_dir, MANIFEST)):
        what = "holds no aidtrack cache (no manifest.json)" if os.path.isdir(args.cache_dir) else "is not a folder"
        raise InvalidArgumentError(
            "--cache-dir",
            args.cache_dir,
            f"--cache-dir {args.cache_dir[:80]!r} {what}: give the folder 'aidtrack rates update --cache-dir' "
            "wrote to, or leave --cache-dir out for the default cache",
        )

    data = _info(args.cache_dir)
    if args.json:
        json.dump(data, out, indent=2)
        out.write("\n")
        return 0
    headers = ["source", "status", "first", "last", "currencies", "age"]
    rows = [
        [r["key"], r["status"], r["first_date"], r["last_date"], str(r["currencies"]), r["age"]]
        for r in data["sources"]
    ]
    out.write(render_table(headers, rows, [False, False, False, False, True, False]) + "\n\n")
    out.write(f"cache: {data['cache']}\n")
    if data["problem"]:
        out.write(f"problem: {data['problem']}\n")
    if len(data["sources"]) == 1:
        out.write("nothing cached yet: run 'aidtrack rates update' (or --source ecb-sdmx, boc, frankfurter)\n")
    if data["offline"]:
        out.write("offline mode is on (AIDTRACK_OFFLINE)\n")
    return 0
