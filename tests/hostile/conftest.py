"""The hostile suite reuses the loopback server, clock and payload builders of ``tests/rates``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_NAME = "aidtrack_test_rate_payloads"
if _NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(_NAME, Path(__file__).parent.parent / "rates" / "conftest.py")
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = _module
    _spec.loader.exec_module(_module)
_payloads = sys.modules[_NAME]

_loopback_server = _payloads._loopback_server
server = _payloads.server
clock = _payloads.clock
sleeps = _payloads.sleeps
client = _payloads.client
payloads = _payloads.payloads
