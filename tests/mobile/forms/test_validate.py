"""Server re-validation of submissions against a published form version."""

from __future__ import annotations

from typing import Any

from peelian.mobile.forms.legal import envelope_sha256
from peelian.mobile.forms.service import builtin_xlsform
from peelian.mobile.forms.validate import CompiledForm
from peelian.mobile.forms.xlsform import parse_xlsform
from tests.fixtures.mobile import mg11_data, stop_search_data


def _form(name: str) -> CompiledForm:
    return CompiledForm(parse_xlsform(builtin_xlsform(name)))


def _errors(name: str, data: dict[str, Any]) -> dict[str, str]:
    return dict(_form(name).validate(data).errors)


class TestStopSearch:
    def test_complete_record_is_valid(self) -> None:
        assert _errors("stop_search", stop_search_data()) == {}

    def test_grounds_cannot_be_skipped(self) -> None:
        data = stop_search_data()
        del data["grounds"]
        assert "Grounds are required" in _errors("stop_search", data)["/data/grounds"]

    def test_short_grounds_break_the_constraint_with_its_message(self) -> None:
        errors = _errors("stop_search", stop_search_data(grounds="smelt it"))
        assert errors["/data/grounds"].startswith("Explain the grounds in full")

    def test_sde_outside_the_18_plus_1_codes_is_refused(self) -> None:
        assert (
            _errors("stop_search", stop_search_data(sde="IC1"))["/data/sde"] == "is not an option"
        )

    def test_non_relevant_answers_are_removed(self) -> None:
        result = _form("stop_search").validate(stop_search_data(injury_details="none"))
        assert result.errors == []
        assert "injury_details" not in result.data

    def test_vehicle_search_needs_a_registration(self) -> None:
        errors = _errors("stop_search", stop_search_data(search_type="vehicle"))
        assert errors["/data/vrm"] == "is required"

    def test_repeat_items_are_checked_one_by_one(self) -> None:
        data = stop_search_data(items_found=[{"item_description": "knife"}, {}])
        assert _errors("stop_search", data) == {
            "/data/items_found/1/item_description": "is required"
        }

    def test_unknown_questions_and_wrong_types_are_named(self) -> None:
        errors = _errors("stop_search", stop_search_data(shoe_size=9, search_datetime="today"))
        assert errors["/data/shoe_size"] == "is not a question on this form version"
        assert "ISO 8601" in errors["/data/search_datetime"]


class TestMG11:
    def test_signed_statement_is_valid(self) -> None:
        assert _errors("mg11", mg11_data("x")) == {}

    def test_dates_to_avoid_must_be_filled_or_none(self) -> None:
        data = mg11_data("x")
        del data["dates_to_avoid"]
        assert "none" in _errors("mg11", data)["/data/dates_to_avoid"]

    def test_statement_changed_after_signing_breaks_the_envelope(self) -> None:
        data = mg11_data("x", statement="A different statement text that was never signed.")
        assert "envelope_sha256" in str(_errors("mg11", data))

    def test_declaration_other_than_the_published_one_is_refused(self) -> None:
        data = mg11_data("x", declaration_sha256="0" * 64)
        data["envelope_sha256"] = envelope_sha256(
            "0" * 64, data["page_count"], data["statement"], data["signed_at"]
        )
        assert "s.9 declaration" in _errors("mg11", data)["/data/declaration_sha256"]


class TestOtherTypes:
    def test_select_multiple_decimal_time_and_relevance(self) -> None:
        data = {
            "vrm": "AB12 CDE",
            "stop_datetime": "2026-11-29T10:00:00+00:00",
            "location": "A20",
            "reason": "defect",
            "defects": ["tyres", "lights"],
            "speed_mph": 41.5,
            "released_at": "10:25",
            "outcome": "advice",
        }
        assert _errors("vehicle_stop", data) == {}
        bad = dict(data, defects=["tyres", "wings"], speed_mph=400, released_at="25:99")
        errors = _errors("vehicle_stop", bad)
        assert "wings" in errors["/data/defects"]
        assert errors["/data/speed_mph"] == "Between 0 and 250 mph"
        assert "time" in errors["/data/released_at"]

    def test_calculation_is_recomputed_by_the_server(self) -> None:
        data = {
            "occurred_at": "2026-11-29T09:00:00+00:00",
            "location": "Park",
            "incident_type": "asb",
            "priority": 1,
            "summary": "Group throwing stones at windows",
            "urgent": "no",
        }
        result = _form("incident").validate(data)
        assert result.errors == []
        assert result.data["urgent"] == "yes"
