"""Money and pledges in text: parsing amounts in German and English, and extracting pledges from news.

Formatting money for display is :mod:`aidtrack.formatting` (below :mod:`aidtrack.money`, which uses it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aidtrack._lazy import lazy_module

if TYPE_CHECKING:
    from aidtrack.text.extract import PledgeCandidate, extract_pledges, split_sentences
    from aidtrack.text.parsing import MoneyMatch, find_money, parse_money

_EXPORTS = {
    "MoneyMatch": "aidtrack.text.parsing",
    "find_money": "aidtrack.text.parsing",
    "parse_money": "aidtrack.text.parsing",
    "PledgeCandidate": "aidtrack.text.extract",
    "extract_pledges": "aidtrack.text.extract",
    "split_sentences": "aidtrack.text.extract",
}

__all__, __getattr__, __dir__ = lazy_module(__name__, globals(), _EXPORTS)
