"""Legal aid: the application (Art. 41 fields), its validation and the kiosk's pre-assessment."""

from kiosk.legal_aid.application import (
    Address,
    Application,
    Person,
    application_problems,
    parse_application,
)
from kiosk.legal_aid.assessment import (
    ELIGIBLE,
    INELIGIBLE,
    LIKELY,
    OUTCOME_LABELS,
    REVIEW,
    Assessment,
    IncomeTest,
    Material,
    assess,
    threshold_for,
)

__all__ = [
    "ELIGIBLE",
    "INELIGIBLE",
    "LIKELY",
    "OUTCOME_LABELS",
    "REVIEW",
    "Address",
    "Application",
    "Assessment",
    "IncomeTest",
    "Material",
    "Person",
    "application_problems",
    "assess",
    "parse_application",
    "threshold_for",
]
