"""A desktop ID-card reader simulator: SAM frames over a pseudo-terminal, cards from JSON.

Not part of the product: tests, benchmarks and the demo point the kiosk's serial driver at the
pty path it prints. See docs/devices.md.
"""

from tools.idcard_sim.simulator import Fault, ReaderSimulator, SimCard, load_cards

__all__ = ["Fault", "ReaderSimulator", "SimCard", "load_cards"]
