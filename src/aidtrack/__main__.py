"""``python -m aidtrack``: the same as the ``aidtrack`` command."""

import sys

from .cli import main

sys.exit(main())
