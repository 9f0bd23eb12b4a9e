"""MkDocs hook: fill the API index page with every name of ``aidtrack.__all__``, grouped by module.

``docs/api/index.md`` holds the marker ``<!-- public-api -->``; this hook replaces it with one
table per module, each name linked to its entry in the generated reference and described by
the first line of its docstring. The index therefore cannot drift from ``__all__``, and a public
name whose module has no API page fails ``mkdocs build --strict`` (an unresolved reference).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

MARKER = "<!-- public-api -->"
ROOT = Path(__file__).resolve().parents[2]


def _home(name: str, obj: Any) -> str:
    """The submodule that defines ``name``."""
    module = getattr(obj, "__module__", None)
    if isinstance(module, str) and module.startswith("aidtrack.") and not module.split(".")[-1].startswith("_"):
        return module
    import aidtrack

    lazy: dict[str, str] = getattr(aidtrack, "_EXPORTS", {})
    if name in lazy:
        return lazy[name]
    for page in sorted((ROOT / "docs" / "api").glob("*.md")):
        candidate = f"aidtrack.{page.stem}"
        if page.stem == "index":
            continue
        mod = importlib.import_module(candidate)
        if name in getattr(mod, "__all__", ()):
            return candidate
    raise LookupError(f"aidtrack.{name} is public but no documented module exports it")


def _summary(obj: Any) -> str:
    doc = inspect.getdoc(obj) if (inspect.isclass(obj) or callable(obj)) else None
    if not doc:
        return ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ")
    for role in (":class:", ":func:", ":meth:", ":mod:", ":data:", ":attr:", ":exc:"):
        first = first.replace(role, "")
    return first.replace("|", "\\|").replace("`~", "`")


def public_api_markdown() -> str:
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import aidtrack

    groups: dict[str, list[tuple[str, str]]] = {}
    for name in aidtrack.__all__:
        if name.startswith("__"):
            continue
        obj = getattr(aidtrack, name)
        groups.setdefault(_home(name, obj), []).append((name, _summary(obj)))
    parts = []
    for module in sorted(groups):
        parts.append(f"### [`{module}`][{module}]\n")
        parts.append("| name | what it is |\n| --- | --- |")
        for name, summary in sorted(groups[module], key=lambda item: item[0].lower()):
            parts.append(f"| [`{name}`][{module}.{name}] | {summary} |")
        parts.append("")
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    if MARKER in markdown:
        return markdown.replace(MARKER, public_api_markdown())
    return markdown
