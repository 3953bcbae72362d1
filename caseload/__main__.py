"""``python -m caseload``."""

import sys

from caseload.cli import main

sys.exit(main())
