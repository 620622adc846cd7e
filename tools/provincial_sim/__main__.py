"""``python -m tools.provincial_sim``: run the simulator, or ``keys init`` demo/test key material."""

import sys

from tools.provincial_sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
