"""A Griffe extension that renders aidtrack's reST-flavoured docstrings as Markdown.

aidtrack's docstrings are written for ``help()`` and doctest: Sphinx roles
(``:class:`~aidtrack.money.Money```), ``>>>`` examples, ``::`` literal blocks
and reST simple tables. mkdocstrings renders Markdown, where ``>>>`` would become
a nested block quote. This extension rewrites each docstring before rendering:

* a role pointing into aidtrack becomes a cross-reference ``[`Money`][aidtrack.money.Money]``
  (relative names are resolved from the docstring's module), so a reference to
  something that no longer exists fails ``mkdocs build --strict``;
  a role pointing elsewhere (``:mod:`decimal```) becomes inline code;
* a run of ``>>>`` lines with their output becomes a ``pycon`` code block;
* a ``::`` literal block and a reST simple table become ``text`` code blocks.

Loaded by ``mkdocs.yml`` (``extensions: [docs/_griffe/rst_docstrings.py]``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["RstDocstrings", "rst_to_markdown"]

_ROLE = re.compile(
    r":(?:py:)?(?P<kind>class|func|meth|mod|data|attr|exc|obj|const):`(?P<tilde>~?)"
    r"(?:(?P<title>[^`<]*?)\s*<(?P<explicit>[\w.]+)>|(?P<target>[\w.]+)(?P<call>\(\))?)`"
)
_TABLE_RULE = re.compile(r"^\s*=+(?: +=+)+\s*$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _convert_blocks(text: str) -> str:
    """Fence doctest runs, ``::`` literal blocks and simple tables."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        stripped = line.strip()
        pad = " " * _indent(line)
        if stripped.startswith(">>>"):
            block = []
            while i < n and lines[i].strip():
                block.append(lines[i][len(pad) :] if lines[i].startswith(pad) else lines[i].strip())
                i += 1
            out += [f"{pad}```pycon", *(pad + b for b in block), f"{pad}```"]
            continue
        if _TABLE_RULE.match(line):
            # A simple table ends at a rule followed by a blank line (or the end): the bottom border.
            block = [line]
            i += 1
            while i < n:
                block.append(lines[i])
                i += 1
                if _TABLE_RULE.match(block[-1]) and (i >= n or not lines[i].strip()):
                    break
            out += _table(block)
            continue
        if stripped.endswith("::") and not stripped.startswith(".."):
            head = line.rstrip()[:-2].rstrip()
            j = i + 1
            while j < n and not lines[j].strip():
                j += 1
            if j < n and _indent(lines[j]) > _indent(line):
                if head.strip():
                    out.append(head + ":")
                out.append("")
                base = _indent(lines[j])
                block = []
                while j < n and (not lines[j].strip() or _indent(lines[j]) >= base):
                    block.append(lines[j][base:] if lines[j].strip() else "")
                    j += 1
                while block and not block[-1]:
                    block.pop()
                out += [f"{pad}```text", *(pad + b if b else "" for b in block), f"{pad}```", ""]
                i = j
                continue
        out.append(line)
        i += 1
    return "\n".join(out)


def _table(block: list[str]) -> list[str]:
    """A reST simple table (three ``===`` rules) as a Markdown table; continuation lines are joined."""
    rule = block[0]
    spans = [(m.start(), m.end()) for m in re.finditer(r"=+", rule)]

    def cells(line: str) -> list[str]:
        parts = []
        for k, (start, _end) in enumerate(spans):
            stop = spans[k + 1][0] if k + 1 < len(spans) else len(line)
            parts.append(line[start:stop].strip())
        return parts

    rule_count = sum(1 for line in block if _TABLE_RULE.match(line))
    if rule_count not in (2, 3) or not _TABLE_RULE.match(block[-1]):
        return ["```text", *block, "```"]
    header: list[str] = [""] * len(spans)  # a table without a header row gets an empty one
    rows: list[list[str]] = []
    rules_seen = 0
    for line in block:
        if _TABLE_RULE.match(line):
            rules_seen += 1
            continue
        if not line.strip():
            continue
        values = cells(line)
        if rules_seen == 1 and rule_count == 3:
            header = values
        elif rows and (not values[0] or not any(values[1:])):
            # a continuation line: blank first column, or text in the first column only
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], values, strict=True)]
        else:
            rows.append(values)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return ["", *lines, ""]


def _lookup(obj: griffe.Object, loader: griffe.GriffeLoader, target: str) -> str | None:
    """The canonical path of ``target`` seen from ``obj``, or ``None`` if it is not an aidtrack object."""
    candidates = []
    if target.startswith("aidtrack"):
        candidates.append(target)
    else:
        scope: Any = obj
        while scope is not None:
            candidates.append(f"{scope.path}.{target}")
            scope = scope.parent
    for path in candidates:
        try:
            found = loader.modules_collection[path]
        except (KeyError, ValueError, griffe.AliasResolutionError):
            continue
        try:
            final = found.final_target if isinstance(found, griffe.Alias) else found
        except griffe.AliasResolutionError:
            return None
        canonical = str(final.path)
        if not canonical.startswith("aidtrack") or any(part.startswith("_") for part in canonical.split(".")):
            return None
        return canonical
    return None


def rst_to_markdown(text: str, resolve: Any = None) -> str:
    """Rewrite one docstring; ``resolve(target) -> path | None`` turns a role target into a link."""

    def role(match: re.Match[str]) -> str:
        target = match["explicit"] or match["target"]
        if match["explicit"]:
            shown = " ".join(match["title"].split()) or target
        else:
            shown = target.rsplit(".", 1)[-1] if match["tilde"] else target
            if match["call"]:
                shown += "()"
        path = resolve(target) if resolve else None
        public = not any(part.startswith("_") for part in target.split("."))
        if path is None and target.startswith("aidtrack.") and public:
            parent = target.rsplit(".", 1)[0]
            if "." in target and resolve is not None and (owner := resolve(parent)) and owner.count(".") >= 2:
                # a member aidtrack does not document itself (inherited from pydantic, say): link its class
                path = owner
            else:
                path = target  # fully qualified: let autorefs check it (and fail the build if it is gone)
        return f"[`{shown}`][{path}]" if path else f"`{shown}`"

    # Inline code in reST is ``x``; in Markdown ``x`` works too, so only roles need rewriting.
    return _ROLE.sub(role, _convert_blocks(text))


class RstDocstrings(griffe.Extension):
    """Rewrite every docstring of the loaded package from reST conventions to Markdown."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if obj.docstring is None or obj.extra.get("aidtrack", {}).get("markdown"):
            return
        obj.docstring.value = rst_to_markdown(obj.docstring.value, lambda target: _lookup(obj, loader, target))
        obj.extra.setdefault("aidtrack", {})["markdown"] = True  # once only: a fenced example must not be re-fenced

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        # on_object is not run for the top-level package itself, whose docstring the API index shows
        self.on_object(obj=pkg, loader=loader)
