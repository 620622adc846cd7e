"""The wizards as step tables (legal aid, home visit, notary); see :mod:`kiosk.wizards.steps`."""

from kiosk.wizards.legal_aid import LEGAL_AID, legal_aid_payload, legal_aid_steps
from kiosk.wizards.notary import NOTARY
from kiosk.wizards.steps import Context, Kind, Step, Wizard
from kiosk.wizards.visit import VISIT, book_home_visit, visit_payload

__all__ = [
    "LEGAL_AID",
    "NOTARY",
    "VISIT",
    "Context",
    "Kind",
    "Step",
    "Wizard",
    "book_home_visit",
    "legal_aid_payload",
    "legal_aid_steps",
    "visit_payload",
]
