"""The source of Peelian's built-in XLSForms, as rows; `scripts/build_forms.py` writes the .xlsx.

Columns follow the XLSForm standard. Code sets are versioned with the form: SDE is the 2011
Census "18+1"; officer-perceived ethnicity the IC "6+1".
"""

from __future__ import annotations

from peelian.mobile.forms._rows import COLUMNS, REQ, YES_NO, BuiltinForm, choices, q
from peelian.mobile.forms.legal import S9_DECLARATION
from peelian.mobile.forms.library_reports import INCIDENT, MISSING_PERSON, VEHICLE_STOP

__all__ = ["COLUMNS", "FORMS", "BuiltinForm"]

SDE = choices(
    "sde",
    ("W1", "White – British"),
    ("W2", "White – Irish"),
    ("W3", "White – Gypsy or Irish Traveller"),
    ("W9", "Any other White background"),
    ("M1", "Mixed – White and Black Caribbean"),
    ("M2", "Mixed – White and Black African"),
    ("M3", "Mixed – White and Asian"),
    ("M9", "Any other Mixed background"),
    ("A1", "Asian – Indian"),
    ("A2", "Asian – Pakistani"),
    ("A3", "Asian – Bangladeshi"),
    ("A4", "Asian – Chinese"),
    ("A9", "Any other Asian background"),
    ("B1", "Black – Caribbean"),
    ("B2", "Black – African"),
    ("B9", "Any other Black background"),
    ("O1", "Other – Arab"),
    ("O9", "Any other ethnic group"),
    ("NS", "Not stated"),
)
IC = choices(
    "ic",
    ("IC1", "White – North European"),
    ("IC2", "White – South European"),
    ("IC3", "Black"),
    ("IC4", "Asian"),
    ("IC5", "Chinese, Japanese or other South-East Asian"),
    ("IC6", "Arab or North African"),
    ("IC9", "Unknown"),
)
NO_SUSPICION = "${power} = 'cjpoa_s60' or ${power} = 'ta_s47a' or ${power} = 'poa2023_s11'"

STOP_SEARCH: BuiltinForm = {
    "settings": {
        "form_title": "Stop and search (PACE Code A)",
        "form_id": "stop_search",
        "version": "2023-12-20.1",
    },
    "survey": [
        q("dateTime", "search_datetime", "Date and time of the search", **REQ),
        q("text", "location", "Place of the search", **REQ),
        q("geopoint", "geo", "GPS position"),
        q(
            "select_one sde",
            "sde",
            "Self-defined ethnicity",
            hint="Ask the person; NS if declined",
            required="yes",
            required_message="Record the self-defined ethnicity, or NS",
        ),
        q("select_one ic", "perceived_ethnicity", "Officer-perceived ethnicity, if different"),
        q("select_one search_type", "search_type", "What was searched", **REQ),
        q(
            "text",
            "vrm",
            "Vehicle registration",
            required="yes",
            relevant="${search_type} != 'person'",
            constraint="regex(., '^[A-Z0-9 ]{2,8}$')",
            constraint_message="Use capitals and digits",
        ),
        q("select_one power", "power", "Power used", **REQ),
        q(
            "text",
            "authorisation",
            "Authorisation (reference and authorising officer)",
            required="yes",
            relevant=NO_SUSPICION,
        ),
        q(
            "text",
            "grounds",
            "Grounds for suspicion",
            required="yes",
            relevant=f"not({NO_SUSPICION})",
            constraint="string-length(.) >= 20",
            constraint_message="Explain the grounds in full (at least 20 characters)",
            required_message="Grounds are required by PACE Code A para 4.3",
        ),
        q("select_one object", "object_of_search", "Object of the search", **REQ),
        q("text", "officer_id", "Officer warrant or ID number", **REQ),
        q("text", "person_name", "Name (the person need not give it)"),
        q(
            "date",
            "person_dob",
            "Date of birth (need not be given)",
            constraint=". < today()",
            constraint_message="Must be in the past",
        ),
        q("begin_repeat", "items_found", "Items found"),
        q("text", "item_description", "Item", **REQ),
        q("end_repeat", ""),
        q("select_one outcome", "outcome", "Outcome", **REQ),
        q(
            "select_one yes_no",
            "outcome_linked",
            "Was the outcome linked to the object?",
            required="yes",
            relevant="${outcome} != 'nfa'",
        ),
        q("select_one yes_no", "injury", "Injury or damage caused", **REQ),
        q(
            "text",
            "injury_details",
            "Details of injury or damage",
            required="yes",
            relevant="${injury} = 'yes'",
        ),
        q("select_one yes_no", "bwv_used", "Body-worn video used", **REQ),
        q("select_one receipt", "receipt_offered", "Record receipt", **REQ),
        q("image", "photo", "Photograph"),
    ],
    "choices": SDE
    + IC
    + YES_NO
    + choices("search_type", ("person", "Person"), ("vehicle", "Vehicle"), ("both", "Both"))
    + choices(
        "power",
        ("pace_s1", "PACE s.1"),
        ("mda_s23", "Misuse of Drugs Act s.23"),
        ("fa_s47", "Firearms Act s.47"),
        ("cjpoa_s60", "CJPOA 1994 s.60"),
        ("ta_s43", "Terrorism Act s.43"),
        ("ta_s47a", "Terrorism Act s.47A"),
        ("poa2023_s11", "Public Order Act 2023 s.11"),
    )
    + choices(
        "object",
        ("drugs", "Controlled drugs"),
        ("weapons", "Offensive weapons"),
        ("stolen", "Stolen property"),
        ("going_equipped", "Going equipped"),
        ("firearms", "Firearms"),
        ("criminal_damage", "Articles for criminal damage"),
        ("terrorism", "Articles for terrorism"),
        ("other", "Other"),
    )
    + choices(
        "outcome",
        ("arrest", "Arrest"),
        ("caution", "Caution"),
        ("pnd", "Penalty notice for disorder"),
        ("community_resolution", "Community resolution"),
        ("summons", "Summons / charged by post"),
        ("drugs_warning", "Khat or cannabis warning"),
        ("nfa", "No further action"),
    )
    + choices(
        "receipt",
        ("given", "Receipt given"),
        ("told", "Told how to get a copy"),
        ("declined", "Person declined"),
    ),
}

# What the witness reads and signs: the s.9 declaration with the page count filled in.
S9_DECLARATION_LABEL = S9_DECLARATION.text.replace("{page_count}", "${page_count}")

MG11: BuiltinForm = {
    # 2025.2 shows the witness the exact s.9 declaration before they sign, and names the incident.
    "settings": {"form_title": "MG11 witness statement", "form_id": "mg11", "version": "2025.2"},
    "survey": [
        q("text", "urn", "URN"),
        q(
            "text",
            "incident_ref",
            "Incident reference (leave blank to open a new incident)",
            constraint="regex(., '^INC-[0-9]{8}-[0-9]{6}$')",
            constraint_message="An incident reference looks like INC-20261129-000123",
        ),
        q("text", "witness_name", "Statement of", **REQ),
        q("select_one age_band", "age_band", "Age", **REQ),
        q(
            "integer",
            "age",
            "Age in years",
            required="yes",
            relevant="${age_band} = 'under_18'",
            constraint=". >= 0 and . < 18",
            constraint_message="Under 18 means 0 to 17",
        ),
        q("text", "occupation", "Occupation", **REQ),
        q("integer", "page_count", "Number of pages", required="yes", constraint=". >= 1"),
        q(
            "text",
            "statement",
            "Statement",
            required="yes",
            appearance="multiline",
            constraint="string-length(.) >= 10",
            constraint_message="The statement is too short",
        ),
        q("begin_repeat", "exhibits", "Exhibits referred to"),
        q("text", "exhibit_ref", "Exhibit reference", **REQ),
        q("text", "exhibit_description", "Description"),
        q("end_repeat", ""),
        q("note", "s9_declaration", S9_DECLARATION_LABEL),
        q(
            "text",
            "declaration_sha256",
            "s.9 declaration shown (SHA-256)",
            required="yes",
            read_only="yes",
        ),
        q("dateTime", "signed_at", "Signed at", **REQ),
        q(
            "text",
            "envelope_sha256",
            "Signature envelope (SHA-256)",
            required="yes",
            read_only="yes",
        ),
        q(
            "image",
            "witness_signature",
            "Witness signature",
            required="yes",
            appearance="signature",
        ),
        q("select_one yes_no", "reader_needed", "Was the statement read to the witness?", **REQ),
        q(
            "text",
            "reader_name",
            "Read over by",
            required="yes",
            relevant="${reader_needed} = 'yes'",
        ),
        q(
            "image",
            "reader_signature",
            "Reader's signature",
            required="yes",
            relevant="${reader_needed} = 'yes'",
            appearance="signature",
        ),
        q("text", "taken_by", "Statement taken by", **REQ),
        q("begin_group", "rear", "Witness details (not disclosed)"),
        q("text", "contact_address", "Home address"),
        q(
            "text",
            "contact_phone",
            "Mobile",
            constraint="regex(., '^[0-9 +]{7,16}$')",
            constraint_message="Digits, spaces and + only",
        ),
        q("select_one contact", "preferred_contact", "Preferred contact method"),
        q("date", "witness_dob", "Date of birth"),
        q("select_one sde", "witness_sde", "Self-defined ethnicity"),
        q(
            "text",
            "dates_to_avoid",
            "Dates to avoid",
            required="yes",
            required_message="Enter the dates to avoid, or 'none'",
        ),
        q("select_one yes_no", "special_measures", "Special measures needed", **REQ),
        q("select_one yes_no", "vps_offered", "Victim Personal Statement offered"),
        q(
            "select_one yes_no",
            "consent_share",
            "Consent to share details with CJS agencies",
            **REQ,
        ),
        q("select_one yes_no", "willing_to_attend", "Willing to attend court", **REQ),
        q("end_group", ""),
    ],
    "choices": YES_NO
    + SDE
    + choices("age_band", ("over_18", "Over 18"), ("under_18", "Under 18"))
    + choices("contact", ("phone", "Phone"), ("email", "Email"), ("post", "Post")),
}


FORMS: dict[str, BuiltinForm] = {
    "stop_search": STOP_SEARCH,
    "mg11": MG11,
    "incident": INCIDENT,
    "missing_person": MISSING_PERSON,
    "vehicle_stop": VEHICLE_STOP,
}
