"""``python -m kiosk.admin`` is the same as ``kiosk-admin``."""

import sys

from kiosk.admin.cli import main

if __name__ == "__main__":
    sys.exit(main())
