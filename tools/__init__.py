"""Stand-ins the product does not ship: the wheel installs only the kiosk's own packages.

``tools.provincial_sim`` plays the provincial legal-aid system (and makes demo/test keys) for
tests, ``make sim`` and the benchmarks; a terminal talks to the real province instead.
"""
