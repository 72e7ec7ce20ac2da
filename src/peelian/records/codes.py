"""Code tables of the records domain: fixed lists that input is checked against.

Plain enums and dictionaries with no imports from the rest of Peelian, so models, schemas,
the check rules and the synthetic data generator can all share them.
"""

from __future__ import annotations

import enum

__all__ = [
    "ETHNICITY",
    "INCIDENT_TRANSITIONS",
    "MARKER_LABELS",
    "MISSING_RISK_GRADES",
    "NO_SUSPICION_POWERS",
    "NSIR_CATEGORIES",
    "NSIR_QUALIFIERS",
    "PERCEIVED_ETHNICITY",
    "SEARCH_OBJECTS",
    "SEARCH_OUTCOMES",
    "SEARCH_POWERS",
    "SEARCH_RECEIPT",
    "VEHICLE_STOP_OUTCOMES",
    "VEHICLE_STOP_REASONS",
    "FlagKind",
    "IdentifierKind",
    "IncidentGrade",
    "IncidentRole",
    "IncidentStatus",
    "MarkerCode",
    "NameKind",
    "Sex",
]


class Sex(enum.StrEnum):
    """Sex as recorded on the nominal record."""

    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


# Self-defined ethnicity, "18+1" (2011 Census categories plus not stated).
ETHNICITY: dict[str, str] = {
    "W1": "White – British",
    "W2": "White – Irish",
    "W3": "White – Gypsy or Irish Traveller",
    "W9": "Any other White background",
    "M1": "Mixed – White and Black Caribbean",
    "M2": "Mixed – White and Black African",
    "M3": "Mixed – White and Asian",
    "M9": "Any other Mixed background",
    "A1": "Asian – Indian",
    "A2": "Asian – Pakistani",
    "A3": "Asian – Bangladeshi",
    "A4": "Asian – Chinese",
    "A9": "Any other Asian background",
    "B1": "Black – Caribbean",
    "B2": "Black – African",
    "B9": "Any other Black background",
    "O1": "Other – Arab",
    "O9": "Any other ethnic group",
    "NS": "Not stated",
}


class NameKind(enum.StrEnum):
    """Which of a person's names this is."""

    ALIAS = "alias"
    PREVIOUS = "previous"


class IdentifierKind(enum.StrEnum):
    """Identifiers a person may hold; (kind, value) is unique across people."""

    PNC = "pnc"
    CRO = "cro"
    PASSPORT = "passport"
    DRIVING_LICENCE = "driving_licence"
    PHONE = "phone"


class FlagKind(enum.StrEnum):
    """What a flag on a person says: a warning marker or a status such as wanted or on bail."""

    MARKER = "marker"
    WANTED = "wanted"
    FTA_WARRANT = "fta_warrant"
    BAIL = "bail"
    RECALL = "recall"
    MISSING = "missing"
    LICENCE = "licence"


class MarkerCode(enum.StrEnum):
    """Warning signals (PNC-style); the first group concerns officer safety."""

    VIOLENT = "violent"
    WEAPONS = "weapons"
    FIREARMS = "firearms"
    EXPLOSIVES = "explosives"
    CONTAGION = "contagion"
    DRUGS = "drugs"
    SELF_HARM = "self_harm"
    SUICIDAL = "suicidal"
    MENTAL_HEALTH = "mental_health"
    ESCAPER = "escaper"
    AILMENT = "ailment"
    ALLEGES = "alleges"
    FEMALE_IMPERSONATOR = "female_impersonator"
    MALE_IMPERSONATOR = "male_impersonator"


MARKER_LABELS: dict[MarkerCode, str] = {
    MarkerCode.VIOLENT: "Violent",
    MarkerCode.WEAPONS: "Weapons",
    MarkerCode.FIREARMS: "Firearms",
    MarkerCode.EXPLOSIVES: "Explosives",
    MarkerCode.CONTAGION: "Contagion risk",
    MarkerCode.DRUGS: "Drugs",
    MarkerCode.SELF_HARM: "Self-harm",
    MarkerCode.SUICIDAL: "Suicidal",
    MarkerCode.MENTAL_HEALTH: "Mental health",
    MarkerCode.ESCAPER: "Escaper",
    MarkerCode.AILMENT: "Ailment",
    MarkerCode.ALLEGES: "Makes allegations",
    MarkerCode.FEMALE_IMPERSONATOR: "Female impersonator",
    MarkerCode.MALE_IMPERSONATOR: "Male impersonator",
}


class IncidentGrade(enum.StrEnum):
    """National call grading."""

    IMMEDIATE = "immediate"
    PRIORITY = "priority"
    SCHEDULED = "scheduled"
    RESOLUTION_WITHOUT_DEPLOYMENT = "resolution_without_deployment"


class IncidentStatus(enum.StrEnum):
    """Where an incident is in its life."""

    OPEN = "open"
    ALLOCATED = "allocated"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    RECORDED_AS_CRIME = "recorded_as_crime"


# The only moves allowed; closed and recorded incidents are final.
INCIDENT_TRANSITIONS: dict[IncidentStatus, frozenset[IncidentStatus]] = {
    IncidentStatus.OPEN: frozenset({IncidentStatus.ALLOCATED, IncidentStatus.CLOSED}),
    IncidentStatus.ALLOCATED: frozenset(
        {IncidentStatus.OPEN, IncidentStatus.IN_PROGRESS, IncidentStatus.CLOSED}
    ),
    IncidentStatus.IN_PROGRESS: frozenset(
        {IncidentStatus.CLOSED, IncidentStatus.RECORDED_AS_CRIME}
    ),
    IncidentStatus.CLOSED: frozenset(),
    IncidentStatus.RECORDED_AS_CRIME: frozenset(),
}


class IncidentRole(enum.StrEnum):
    """How a person is linked to an incident."""

    SUSPECT = "suspect"
    VICTIM = "victim"
    WITNESS = "witness"
    INFORMANT = "informant"
    PERSON_REPORTING = "person_reporting"


# National Standard for Incident Recording: opening and closing categories.
NSIR_CATEGORIES: dict[str, str] = {
    "CRIME": "Crime related",
    "ASB-PERSONAL": "Anti-social behaviour – personal",
    "ASB-NUISANCE": "Anti-social behaviour – nuisance",
    "ASB-ENVIRONMENTAL": "Anti-social behaviour – environmental",
    "PSW-CONCERN": "Public safety and welfare – concern for safety",
    "PSW-MISSING": "Public safety and welfare – missing person",
    "PSW-DOMESTIC": "Public safety and welfare – domestic incident",
    "PSW-SUDDEN-DEATH": "Public safety and welfare – sudden death",
    "PSW-ALARM": "Public safety and welfare – alarm activation",
    "PSW-HIGHWAY": "Public safety and welfare – highway disruption",
    "TRANSPORT-RTC": "Transport – road traffic collision",
    "TRANSPORT-OTHER": "Transport – other road related",
    "ADMIN": "Administrative",
}

NSIR_QUALIFIERS: dict[str, str] = {
    "ALCOHOL": "Alcohol related",
    "DRUGS": "Drugs related",
    "DOMESTIC": "Domestic abuse",
    "MENTAL-HEALTH": "Mental health",
    "HATE": "Hate related",
    "FIREARMS": "Firearms",
    "KNIFE": "Knife or bladed article",
    "YOUTH": "Youth related",
    "VULNERABLE": "Vulnerable person",
    "NTE": "Night-time economy",
    "REPEAT": "Repeat location or caller",
}


# Officer-perceived ethnicity, IC "6+1" (recorded on a stop and search only if it differs from
# the self-defined code). Code sets are versioned with the record: see `code_set` on it.
PERCEIVED_ETHNICITY: dict[str, str] = {
    "IC1": "White – North European",
    "IC2": "White – South European",
    "IC3": "Black",
    "IC4": "Asian",
    "IC5": "Chinese, Japanese or other South-East Asian",
    "IC6": "Arab or North African",
    "IC9": "Unknown",
}

# Stop and search: the powers, objects, outcomes (Best Use of Stop and Search Scheme) and the
# record receipt, as the shipped PACE Code A form offers them.
SEARCH_POWERS: dict[str, str] = {
    "pace_s1": "PACE s.1",
    "mda_s23": "Misuse of Drugs Act 1971 s.23",
    "fa_s47": "Firearms Act 1968 s.47",
    "cjpoa_s60": "Criminal Justice and Public Order Act 1994 s.60",
    "ta_s43": "Terrorism Act 2000 s.43",
    "ta_s47a": "Terrorism Act 2000 s.47A",
    "poa2023_s11": "Public Order Act 2023 s.11",
}
# Powers that need no suspicion: the record gives the authorisation instead of grounds.
NO_SUSPICION_POWERS = frozenset({"cjpoa_s60", "ta_s47a", "poa2023_s11"})
SEARCH_OBJECTS: dict[str, str] = {
    "drugs": "Controlled drugs",
    "weapons": "Offensive weapons",
    "stolen": "Stolen property",
    "going_equipped": "Going equipped",
    "firearms": "Firearms",
    "criminal_damage": "Articles for criminal damage",
    "terrorism": "Articles for terrorism",
    "other": "Other",
}
SEARCH_OUTCOMES: dict[str, str] = {
    "arrest": "Arrest",
    "caution": "Caution",
    "pnd": "Penalty notice for disorder",
    "community_resolution": "Community resolution",
    "summons": "Summons / charged by post",
    "drugs_warning": "Khat or cannabis warning",
    "nfa": "No further action",
}
SEARCH_RECEIPT: dict[str, str] = {
    "given": "Receipt given",
    "told": "Told how to get a copy",
    "declined": "Person declined",
}

# Missing persons (College of Policing APP): the grades are configurable in principle; these
# are the ones the shipped form offers.
MISSING_RISK_GRADES: dict[str, str] = {
    "none": "No apparent risk",
    "low": "Low",
    "medium": "Medium",
    "high": "High",
}

# Vehicle stops (Road Traffic Act 1988 s.163).
VEHICLE_STOP_REASONS: dict[str, str] = {
    "moving_traffic": "Moving traffic offence",
    "defect": "Vehicle defect",
    "intelligence": "Intelligence",
    "anpr": "ANPR hit",
    "check": "Document check",
}
VEHICLE_STOP_OUTCOMES: dict[str, str] = {
    "no_action": "No action",
    "advice": "Words of advice",
    "hort1": "HO/RT1 issued",
    "fpn": "Fixed penalty notice",
    "seized": "Vehicle seized",
    "arrest": "Arrest",
}
