"""``python -m aidtrack``: the same as the ``aidtrack`` command."""

import sys

from aidtrack.cli.app import main

sys.exit(main())
