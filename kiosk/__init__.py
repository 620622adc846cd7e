"""Domain and services of the village legal-service kiosk.

Nothing in this package imports Kivy: screens depend on kiosk, never the reverse.
"""

__version__ = "0.1.0"
