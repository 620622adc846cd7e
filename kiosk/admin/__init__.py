"""``kiosk-admin``: the command line for staff and administrators, a thin layer over the library."""
