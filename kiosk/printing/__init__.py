"""Paper for the resident, drawn in memory (Kivy-free).

The A4 application form (``application_form``, ``a4``, ``form_desk``; printed through CUPS) and
the slips for the thermal receipt printer:

- ``slip``: the :class:`~kiosk.printing.slip.Slip` model (lines by importance, a QR code) and
  its renderer to a black-and-white Pillow image 58 or 80 mm wide, Chinese drawn with the
  app's CJK font (printers disagree on Chinese code pages; an image prints the same everywhere).
- ``layouts``: what each slip says — receipt, notary checklist, home-visit booking, legal-aid
  pre-assessment, knowledge leaflet, the printer's test slip. No name, ID number, phone or
  address is ever on a slip.
- ``words``: dates in words (今天/明天, 星期).
- ``desk``: printing one slip off the Kivy thread with its plain outcome, and the session's
  last slip for staff's 重印上一张.

The device that prints the slips is :mod:`kiosk.devices.receipt_printer`.
"""
