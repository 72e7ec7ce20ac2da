"""Shapes of the records domain on the API and in forms."""

from peelian.records.schemas.incidents import (
    IncidentCreate,
    IncidentLinkIn,
    IncidentPage,
    IncidentRead,
    IncidentUpdate,
    StatusChange,
)
from peelian.records.schemas.people import (
    AddressIn,
    CheckRead,
    FlagCreate,
    FlagRead,
    IdentifierIn,
    MergeCreate,
    MergeRead,
    NameIn,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    ReasonRead,
    SearchHit,
    SearchPage,
)

__all__ = [
    "AddressIn",
    "CheckRead",
    "FlagCreate",
    "FlagRead",
    "IdentifierIn",
    "IncidentCreate",
    "IncidentLinkIn",
    "IncidentPage",
    "IncidentRead",
    "IncidentUpdate",
    "MergeCreate",
    "MergeRead",
    "NameIn",
    "PersonCreate",
    "PersonRead",
    "PersonUpdate",
    "ReasonRead",
    "SearchHit",
    "SearchPage",
    "StatusChange",
]
