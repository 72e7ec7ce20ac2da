"""Stop and search pages: the monitoring list with the per-ethnicity table, a record behind a
stated purpose, and the team export."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.records.models import StopSearch
from tests.records.pages.test_people import HTML, sign_in
from tests.records.routes.test_stop_searches import _make


class TestStopSearchListPage:
    def test_lists_records_and_the_ethnicity_table(
        self, client: TestClient, db_session: Session
    ) -> None:
        record = _make(db_session, sde="B2", outcome="arrest", outcome_linked=True)
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get("/stop-searches", headers=HTML)
        assert res.status_code == 200
        assert record.reference in res.text
        assert "Black – African" in res.text
        assert "100.0%" in res.text  # the only search: all of the share, all arrests
        assert "Terry" not in res.text

    def test_filters_by_outcome(self, client: TestClient, db_session: Session) -> None:
        arrest = _make(db_session, outcome="arrest", outcome_linked=True)
        nfa = _make(db_session)
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get("/stop-searches?outcome=arrest", headers=HTML)
        assert arrest.reference in res.text
        assert nfa.reference not in res.text

    def test_a_bad_date_shows_the_error_summary(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.AUDITOR)
        res = client.get("/stop-searches?date_from=29/11/2026", headers=HTML)
        assert res.status_code == 400
        assert 'href="#date_from"' in res.text
        assert "govuk-error-summary" in res.text


class TestStopSearchRecordPage:
    def _record(self, db_session: Session) -> StopSearch:
        return _make(db_session, perceived_ethnicity="IC3", sde="M1")

    def test_asks_for_a_purpose_first(self, client: TestClient, db_session: Session) -> None:
        record = self._record(db_session)
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get(f"/stop-searches/{record.id}", headers=HTML)
        assert "Why do you need this record?" in res.text
        assert "Terry" not in res.text
        short = client.get(f"/stop-searches/{record.id}?purpose=x", headers=HTML)
        assert short.status_code == 400
        assert 'href="#purpose"' in short.text

    def test_shows_the_record_once_a_purpose_is_given(
        self, client: TestClient, db_session: Session
    ) -> None:
        record = self._record(db_session)
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get(f"/stop-searches/{record.id}?purpose=Supervisory+review", headers=HTML)
        assert res.status_code == 200
        assert record.reference in res.text
        assert "Terry Searched" in res.text
        assert "IC3 Black" in res.text
        assert "Misuse of Drugs Act 1971 s.23" in res.text


class TestStopSearchExportPage:
    def test_downloads_the_team_csv(self, client: TestClient, db_session: Session) -> None:
        record = _make(db_session)
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get("/stop-searches/export.csv")
        assert res.status_code == 200
        assert res.headers["content-type"].startswith("text/csv")
        assert record.reference in res.text
