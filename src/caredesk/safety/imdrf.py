"""The IMDRF adverse-event terms the safety screen codes its findings with.

Annex A (medical device problems) and Annex E (health effects: clinical signs, symptoms and
conditions) of IMDRF/AE WG N43. Only codes confirmed against the published annexes are listed:
the level-1 device problem terms in the annex's order, and the few health-effect codes whose
level-2 terms were confirmed. Where a finer code could not be confirmed the higher-level code is
used, and a health effect with no confirmed code is coded "Insufficient Information" for the
clinician to refine in the complaint file.

Sources: the IMDRF adverse event terminology page (imdrf.org, working group "Adverse Event
Terminology": the annexes and their level structure) and manufacturers' published coding
guides that quote Annex A and E codes with their terms (A24 "Adverse Event Without Identified
Device or Use Problem", E0402 "Hypersensitivity/Allergic Reaction", E2401 "Insufficient
Information", E2403 "No Clinical Signs, Symptoms or Conditions"). A second search (December
2026) for the Annex E terms of burn, electric shock, fall, overdose, loss of consciousness,
respiratory arrest, seizure and death, and for the Annex A level-2 terms of overheating, smoke
or fire, unintended motion, failure to stop and alarm problems, found no source that quotes
those codes with their terms, so none was added: those findings keep the level-1 device code
and E2401.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

ANNEX_A: Mapping[str, str] = MappingProxyType(
    {
        "A01": "Patient Device Interaction Problem",
        "A02": "Manufacturing, Packaging or Shipping Problem",
        "A03": "Chemical Problem",
        "A04": "Material Integrity Problem",
        "A05": "Mechanical Problem",
        "A06": "Optical Problem",
        "A07": "Electrical/Electronic Property Problem",
        "A08": "Calibration Problem",
        "A09": "Output Problem",
        "A10": "Temperature Problem",
        "A11": "Computer Software Problem",
        "A12": "Connection Problem",
        "A13": "Communication or Transmission Problem",
        "A14": "Infusion or Flow Problem",
        "A15": "Activation, Positioning or Separation Problem",
        "A16": "Protective Measures Problem",
        "A22": "Human-Device Interface Problem",
        "A24": "Adverse Event Without Identified Device or Use Problem",
    }
)

ANNEX_E: Mapping[str, str] = MappingProxyType(
    {
        "E0402": "Hypersensitivity/Allergic Reaction",
        "E2401": "Insufficient Information",
        "E2402": "Appropriate Term/Code Not Available",
        "E2403": "No Clinical Signs, Symptoms or Conditions",
    }
)


def is_code(code: str) -> bool:
    """Tell whether `code` is one of the IMDRF codes listed here."""
    return code in ANNEX_A or code in ANNEX_E


def term(code: str) -> str:
    """Return the IMDRF term of `code`; raise KeyError for a code not listed here."""
    if code in ANNEX_A:
        return ANNEX_A[code]
    return ANNEX_E[code]
