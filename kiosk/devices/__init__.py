"""Device adapters, Kivy-free: each device behind a small Protocol with its stand-ins beside it.

- ``idcard``: the resident ID card as read from a certified reader, its decoding and checks,
  and the :class:`~kiosk.devices.idcard.CardReader` Protocol.
- ``sam_protocol``: the SAM frame protocol (preamble, length, XOR checksum, status words).
- ``serial_reader``: a reader speaking those frames over serial / USB-serial (pyserial).
- ``vendor_reader``: a reader driven through a vendor's shared library (ctypes).
- ``handwriting``: the :class:`~kiosk.devices.handwriting.HandwritingRecognizer` Protocol and
  the zinnia binding.
- ``stand_ins``: the stand-ins a station or a test uses when there is no device.
- ``factory``: the reader a terminal's config asks for.

Nothing here imports pyserial or loads a shared library at import time: the composition root
decides what to open, and start-up stays quick.
"""
