"""Paper for the resident: the A4 application form (``application_form``, ``a4``)."""
