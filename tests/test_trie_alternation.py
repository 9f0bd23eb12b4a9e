"""The trie form of a word alternation matches exactly what the plain, longest-first alternation matches."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from aidtrack.text.donors import _alternation, _trie_alternation

WORDS = st.lists(st.text(alphabet="abAB -.", min_size=1, max_size=6), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(words=WORDS, text=st.text(alphabet="abAB -.\n,x", max_size=80))
def test_trie_matches_the_plain_alternation(words: list[str], text: str) -> None:
    plain = re.compile(rf"(?<![\w-])(?:{_alternation(words)})(?![\w])")
    trie = re.compile(rf"(?<![\w-])(?:{_trie_alternation(words)})(?![\w])")
    assert [m.span() for m in plain.finditer(text)] == [m.span() for m in trie.finditer(text)]


def test_shape() -> None:
    assert _trie_alternation(["a", "ab", "abc", "b d", "bd"]) == r"(?:a(?:b(?:c)?)?|b(?:\s+d|d))"
