"""The ``kiosk-admin`` command groups, one module each; :mod:`kiosk.admin.cli` imports them all."""
