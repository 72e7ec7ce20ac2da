"""Built-in report forms as XLSForm rows: incident, missing person and vehicle stop."""

from __future__ import annotations

from peelian.mobile.forms._rows import REQ, YES_NO, BuiltinForm, choices, q

__all__ = ["INCIDENT", "MISSING_PERSON", "VEHICLE_STOP"]

INCIDENT: BuiltinForm = {
    "settings": {"form_title": "Incident report", "form_id": "incident", "version": "1"},
    "survey": [
        q("dateTime", "occurred_at", "When it happened", **REQ),
        q("text", "location", "Where", **REQ),
        q("geopoint", "geo", "GPS position"),
        q("select_one incident_type", "incident_type", "Type", **REQ),
        q(
            "integer",
            "priority",
            "Priority",
            constraint=". >= 1 and . <= 4",
            constraint_message="1 (emergency) to 4",
        ),
        q("text", "summary", "What happened", required="yes", constraint="string-length(.) >= 10"),
        q("begin_repeat", "people", "People involved"),
        q("select_one person_role", "person_role", "Role", **REQ),
        q("text", "person_description", "Name or description", **REQ),
        q("end_repeat", ""),
        q("image", "photo", "Photograph"),
        q("audio", "voice_note", "Voice note"),
        q("calculate", "urgent", calculation="if(${priority} <= 2, 'yes', 'no')"),
    ],
    "choices": choices(
        "incident_type",
        ("asb", "Anti-social behaviour"),
        ("assault", "Assault"),
        ("burglary", "Burglary"),
        ("theft", "Theft"),
        ("rtc", "Road traffic collision"),
        ("concern", "Concern for safety"),
        ("other", "Other"),
    )
    + choices(
        "person_role",
        ("victim", "Victim"),
        ("witness", "Witness"),
        ("suspect", "Suspect"),
        ("other", "Other"),
    ),
}

MISSING_PERSON: BuiltinForm = {
    "settings": {
        "form_title": "Missing person report",
        "form_id": "missing_person",
        "version": "1",
    },
    "survey": [
        q("text", "person_name", "Name of the missing person", **REQ),
        q("date", "person_dob", "Date of birth"),
        q("dateTime", "last_seen_at", "Last seen at", **REQ),
        q("text", "last_seen_location", "Last seen where", **REQ),
        q("text", "description", "Description, marks, scars and clothing"),
        q("text", "reported_by", "Reported by (name and contact)", **REQ),
        q("integer", "previous_episodes", "Previous missing episodes", constraint=". >= 0"),
        q("begin_repeat", "risks", "Risk assessment answers"),
        q("select_one risk_question", "risk_item", "Question", **REQ),
        q("select_one answer", "risk_answer", "Answer", **REQ),
        q("text", "risk_details", "Details", required="yes", relevant="${risk_answer} = 'yes'"),
        q("text", "risk_source", "Source (name and contact)", **REQ),
        q("dateTime", "risk_obtained_at", "When obtained", **REQ),
        q("end_repeat", ""),
        q("select_one risk_grade", "risk_grade", "Risk grade", **REQ),
        q("image", "photo", "Recent photograph"),
    ],
    "choices": choices(
        "risk_question",
        ("vulnerable", "Vulnerable through age or infirmity"),
        ("out_of_character", "Out of character"),
        ("crime", "Possible crime"),
        ("suicide", "Suicide indicators"),
        ("domestic_abuse", "Domestic abuse"),
        ("illness", "Physical or mental illness"),
        ("reason", "Reason for going"),
        ("preparations", "Preparations made"),
        ("conflict", "Family conflict"),
    )
    + choices("answer", ("yes", "Yes"), ("no", "No"), ("unknown", "Unknown"))
    + choices(
        "risk_grade",
        ("none", "No apparent risk"),
        ("low", "Low"),
        ("medium", "Medium"),
        ("high", "High"),
    ),
}

VEHICLE_STOP: BuiltinForm = {
    "settings": {"form_title": "Vehicle stop", "form_id": "vehicle_stop", "version": "1"},
    "survey": [
        q(
            "text",
            "vrm",
            "Registration",
            required="yes",
            constraint="regex(., '^[A-Z0-9 ]{2,8}$')",
            constraint_message="Use capitals and digits",
        ),
        q("text", "make_model", "Make and model"),
        q("dateTime", "stop_datetime", "Date and time of the stop", **REQ),
        q("text", "location", "Where", **REQ),
        q("select_one reason", "reason", "Reason for the stop", **REQ),
        q(
            "select_multiple defect",
            "defects",
            "Defects found",
            required="yes",
            relevant="${reason} = 'defect'",
        ),
        q(
            "decimal",
            "speed_mph",
            "Speed (mph), if a speeding stop",
            constraint=". > 0 and . < 250",
            constraint_message="Between 0 and 250 mph",
        ),
        q("time", "released_at", "Time the vehicle was released"),
        q("text", "driver_name", "Driver's name"),
        q("select_one yes_no", "documents_produced", "Documents produced at the roadside"),
        q("select_one vs_outcome", "outcome", "Outcome", **REQ),
        q(
            "text",
            "outcome_reference",
            "Ticket or HO/RT1 reference",
            required="yes",
            relevant="${outcome} = 'fpn' or ${outcome} = 'hort1'",
        ),
    ],
    "choices": YES_NO
    + choices(
        "reason",
        ("moving_traffic", "Moving traffic offence"),
        ("defect", "Vehicle defect"),
        ("intelligence", "Intelligence"),
        ("anpr", "ANPR hit"),
        ("check", "Document check"),
    )
    + choices(
        "defect",
        ("tyres", "Tyres"),
        ("lights", "Lights"),
        ("brakes", "Brakes"),
        ("windscreen", "Windscreen"),
        ("other", "Other"),
    )
    + choices(
        "vs_outcome",
        ("no_action", "No action"),
        ("advice", "Words of advice"),
        ("hort1", "HO/RT1 issued"),
        ("fpn", "Fixed penalty notice"),
        ("seized", "Vehicle seized"),
        ("arrest", "Arrest"),
    ),
}
