"""Refresh the bundled ECB history (src/aidtrack/data/eurofxref-hist.zip) from the ECB.

Usage::

    python scripts/refresh_ecb.py                 # from https://www.ecb.europa.eu/stats/eurofxref/
    python scripts/refresh_ecb.py --dry-run       # download and validate only
    AIDTRACK_ECB_URL=http://127.0.0.1:8000/stats/eurofxref/ python scripts/refresh_ecb.py

The download goes through aidtrack's HTTP client (timeouts, retries, size cap)
and is parsed and validated in full *before* anything is replaced: it must be a
zip holding one valid history CSV that starts on 1999-01-04, ends no earlier
than the file it replaces, and keeps every currency of it. Then the zip is
replaced atomically and ``BUNDLED_SHA256`` in ``src/aidtrack/rates/bundled.py`` is
updated to the new file's SHA-256. Remember to update the dates quoted in the
README and docs (the script prints them).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from datetime import date
from pathlib import Path

__all__ = ["main", "refresh"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ZIP = ROOT / "src" / "aidtrack" / "data" / "eurofxref-hist.zip"
DEFAULT_SOURCES = ROOT / "src" / "aidtrack" / "rates" / "bundled.py"
_SHA_LINE = re.compile(r'^BUNDLED_SHA256 = "[0-9a-f]{64}"$', re.MULTILINE)


def refresh(*, url: str, zip_path: Path, sources_path: Path, dry_run: bool = False) -> str:
    """Download, validate and install a new history; returns a one-line summary."""
    from aidtrack._atomic import atomic_write_bytes, atomic_write_text
    from aidtrack.errors import RateDataError
    from aidtrack.rates.parsers.ecb import parse_eurofxref_zip
    from aidtrack.rates.remote.http import HttpClient

    data = HttpClient(offline=False).get(url).content
    new = parse_eurofxref_zip(data, url=url)  # every line and value checked
    old = parse_eurofxref_zip(zip_path.read_bytes(), url=None)
    if new.info.first_date != date(1999, 1, 4):
        raise RateDataError(f"the history should start 1999-01-04, it starts {new.info.first_date}", where=url)
    if new.info.last_date < old.info.last_date:
        raise RateDataError(
            f"the download ends {new.info.last_date}, before the bundled file ({old.info.last_date})", where=url
        )
    lost = sorted(set(old.currencies) - set(new.currencies))
    if lost:
        raise RateDataError(f"the download lacks currencies of the bundled file: {', '.join(lost)}", where=url)
    digest = hashlib.sha256(data).hexdigest()
    source_text = sources_path.read_text(encoding="utf-8")
    if len(_SHA_LINE.findall(source_text)) != 1:
        raise RuntimeError(f"{sources_path}: expected exactly one 'BUNDLED_SHA256 = \"...\"' line")
    summary = (
        f"{new.info.first_date} to {new.info.last_date}, {len(new.currencies) - 1} currencies, "
        f"{len(data):,} bytes, SHA-256 {digest}"
    )
    if dry_run:
        return "valid, not installed (dry run): " + summary
    atomic_write_bytes(zip_path, data)
    atomic_write_text(sources_path, _SHA_LINE.sub(f'BUNDLED_SHA256 = "{digest}"', source_text))
    return (
        f"installed {zip_path.name}: {summary}\n"
        f"was {old.info.first_date} to {old.info.last_date}; update the dates quoted in README.md and docs/"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Refresh the bundled ECB reference-rate history.")
    base = os.environ.get("AIDTRACK_ECB_URL", "").strip() or "https://www.ecb.europa.eu/stats/eurofxref/"
    parser.add_argument("--url", default=base.rstrip("/") + "/eurofxref-hist.zip", help="the history zip to fetch")
    parser.add_argument("--zip", type=Path, default=DEFAULT_ZIP, help="the bundled zip to replace")
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES, help="rates/bundled.py holding BUNDLED_SHA256")
    parser.add_argument("--dry-run", action="store_true", help="download and validate, change nothing")
    args = parser.parse_args(argv)
    from aidtrack.errors import AidtrackError

    try:
        print(refresh(url=args.url, zip_path=args.zip, sources_path=args.sources, dry_run=args.dry_run))
    except AidtrackError as exc:
        print(f"refresh_ecb: error: {exc}\nnothing was changed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
