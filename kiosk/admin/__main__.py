"""``python -m kiosk.admin`` is the same as ``kiosk-admin``."""

import sys

from kiosk.admin.cli import main

sys.exit(main())
