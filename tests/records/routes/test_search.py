"""Name and date-of-birth search through the API: variants, ranking, paging, bad queries."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.core.audit import AuditEvent
from peelian.records.schemas import IdentifierIn, NameIn
from tests.fixtures.records import make_person
from tests.records.conftest import PURPOSE


@pytest.fixture
def people(db_session: Session) -> dict[str, str]:
    made = {
        "john": make_person(db_session, "John", "Smith", date(1990, 3, 12)),
        "jon_1991": make_person(db_session, "Jon", "Smyth", date(1991, 7, 1)),
        "jane": make_person(db_session, "Jane", "Smith", date(1990, 5, 5)),
        "john_1970": make_person(db_session, "John", "Smith", date(1970, 1, 1)),
        "kathryn": make_person(db_session, "Kathryn", "O'Brien", date(1985, 2, 2)),
        "alias": make_person(db_session, "Robert", "Jones", date(1980, 6, 6),
                             aliases=[NameIn(given_names="Bobby", family_name="Dazzler")]),
    }  # fmt: skip
    db_session.commit()
    return {k: str(v.id) for k, v in made.items()}


def _search(client: TestClient, headers: dict[str, str], q: str, **params: Any) -> Any:
    return client.get("/api/v1/people", params={"q": q, **params}, headers=headers)


def _ids(res: Any) -> list[str]:
    assert res.status_code == 200, res.text
    return [h["person_id"] for h in res.json()["items"]]


class TestSearchPeople:
    @pytest.mark.parametrize(
        "q",
        ["John Smith 12/03/1990", "Jon Smyth 1990", "jhon smith 1990", "Smith John 1990-03-12",
         "John Smiht 1990", "Jonathan Smith 12.03.1990"],
    )  # fmt: skip
    def test_typo_and_phonetic_variants_find_john_smith(
        self, client: TestClient, officer: dict[str, str], people: dict[str, str], q: str
    ) -> None:
        # Near the top: an exact "Jon Smyth" born a year off may fairly rank beside him.
        assert people["john"] in _ids(_search(client, officer, q))[:2]

    def test_exact_match_ranks_above_sound_alikes(
        self, client: TestClient, officer: dict[str, str], people: dict[str, str]
    ) -> None:
        res = _search(client, officer, "John Smith 12/03/1990")
        ids = _ids(res)
        assert ids[0] == people["john"]
        assert people["jon_1991"] in ids
        scores = [h["score"] for h in res.json()["items"]]
        assert scores == sorted(scores, reverse=True)
        assert scores[0] > scores[1]

    def test_year_narrows_the_search(
        self, client: TestClient, officer: dict[str, str], people: dict[str, str]
    ) -> None:
        assert people["john_1970"] not in _ids(_search(client, officer, "John Smith 1990"))
        assert _ids(_search(client, officer, "John Smith 1970"))[0] == people["john_1970"]

    def test_name_without_date_finds_all_births(
        self, client: TestClient, officer: dict[str, str], people: dict[str, str]
    ) -> None:
        ids = _ids(_search(client, officer, "John Smith"))
        assert {people["john"], people["john_1970"]} <= set(ids)

    def test_aliases_are_searched(
        self, client: TestClient, officer: dict[str, str], people: dict[str, str]
    ) -> None:
        res = _search(client, officer, "Bobby Dazzler 1980")
        assert _ids(res) == [people["alias"]]
        assert res.json()["items"][0]["matched_name"] == "Bobby Dazzler"

    def test_apostrophes_and_initial_consonant_spellings(
        self, client: TestClient, officer: dict[str, str], people: dict[str, str]
    ) -> None:
        assert _ids(_search(client, officer, "Catherine OBrien 1985"))[0] == people["kathryn"]

    def test_pnc_id_finds_its_holder(
        self, client: TestClient, officer: dict[str, str], db_session: Session
    ) -> None:
        person = make_person(db_session, "Ann", "Other",
                             identifiers=[IdentifierIn(kind="pnc", value="99/1234A")])  # fmt: skip
        db_session.commit()
        res = _search(client, officer, "99/1234a")
        assert _ids(res) == [str(person.id)]
        assert res.json()["items"][0]["matched_name"] == "PNC 99/1234A"
        assert _ids(_search(client, officer, "99/9999Z")) == []

    def test_pages(
        self, client: TestClient, officer: dict[str, str], people: dict[str, str]
    ) -> None:
        first = _search(client, officer, "Smith", page_size=2)
        second = _search(client, officer, "Smith", page_size=2, page=2)
        assert first.json()["total"] == second.json()["total"] >= 3
        assert not set(_ids(first)) & set(_ids(second))

    @pytest.mark.parametrize(
        ("q", "message"),
        [("", "enter a name"), ("1990", "at least one name"), ("John 31/02/1990", "not a real"),
         ("John Smith 1850", "not a possible year"), ("John 1990 1991", "one date"),
         ("J0hn Smith", "neither a name"), ("x" * 201, "at most")],
    )  # fmt: skip
    def test_malformed_queries_name_the_field(
        self, client: TestClient, officer: dict[str, str], q: str, message: str
    ) -> None:
        res = _search(client, officer, q)
        assert res.status_code == 422, res.text
        assert res.json()["errors"][0]["field"] in ("/q", "/q/")
        assert message in res.json()["errors"][0]["message"]

    def test_search_is_audited_with_purpose_and_no_names(
        self, client: TestClient, officer: dict[str, str], people: dict[str, str],
        db_session: Session,
    ) -> None:  # fmt: skip
        _search(client, officer, "John Smith 1990")
        db_session.expire_all()
        event = db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == "search").order_by(AuditEvent.seq.desc())
        ).first()
        assert event is not None
        assert (event.record_type, event.purpose) == ("person", PURPOSE)
        assert "Smith" not in str(event.detail)

    def test_needs_a_purpose(self, client: TestClient, officer: dict[str, str]) -> None:
        res = client.get("/api/v1/people", params={"q": "John Smith"},
                         headers={"Authorization": officer["Authorization"]})  # fmt: skip
        assert res.status_code == 400
