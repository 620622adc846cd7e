"""Running as an unattended appliance: systemd's notify protocol, the nightly restart.

Kivy-free: the Kivy glue is ``screens/watchdog.py`` and ``screens/maintenance.py``; the unit file
and how it is installed are in ``deploy/`` and ``docs/deploy.md``.
"""
