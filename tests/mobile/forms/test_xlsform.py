"""XLSForm import and publishing: every problem is listed; legal fields cannot be dropped."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.mobile.forms.library import FORMS
from peelian.mobile.forms.service import builtin_xlsform
from peelian.mobile.forms.xlsform import FormDefinitionError, parse_xlsform
from tests.fixtures.auth import auth_header, make_user, token_for
from tests.fixtures.mobile import officer_device, publish_forms, submission


def _xlsx(rows: list[list[str]], form_id: str = "custom", version: str = "1") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "survey"
    ws.append(["type", "name", "label", "required", "relevant", "constraint"])
    for r in rows:
        ws.append(r)
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Custom", form_id, version])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class TestParse:
    @pytest.mark.parametrize("name", sorted(FORMS))
    def test_shipped_forms_parse_with_their_kind(self, name: str) -> None:
        form = parse_xlsform(builtin_xlsform(name))
        assert form.kind == name
        assert form.field_named("location") or form.field_named("witness_name") or name

    def test_every_problem_is_listed(self) -> None:
        content = _xlsx(
            [
                ["text", "a", "A", "yes", "pulldata('x','y') = 1", ""],
                ["integer", "b", "B", "", "", "count(/data/a) > 1"],
                ["barcode", "c", "C", "", "", ""],
            ]
        )
        with pytest.raises(FormDefinitionError) as caught:
            parse_xlsform(content)
        text = "\n".join(caught.value.problems)
        assert "pulldata" in text
        assert "b: constraint" in text
        assert "'barcode' is not supported" in text

    def test_stop_search_without_grounds_cannot_be_published(self) -> None:
        rows: list[Any] = [["text", "location", "Where", "yes", "", ""]]
        with pytest.raises(FormDefinitionError, match="must have the field 'grounds'"):
            parse_xlsform(_xlsx(rows, form_id="stop_search_lite"))


class TestPublishApi:
    def test_supervisor_publishes_and_retired_version_is_refused(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        sup = make_user(db_session, Role.SUPERVISOR)
        headers = auth_header(token_for(client, sup))
        content = _xlsx([["text", "remark", "Remark", "yes", "", "string-length(.) > 2"]])
        res = client.post(
            "/api/v1/mobile/forms", headers=headers, files={"file": ("f.xlsx", content)}
        )
        assert res.status_code == 201, res.text
        again = client.post(
            "/api/v1/mobile/forms", headers=headers, files={"file": ("f.xlsx", content)}
        )
        assert again.status_code == 409
        retire = client.post(
            "/api/v1/mobile/forms/stop_search/versions/2023-12-20.1/retire", headers=headers
        )
        assert retire.json()["status"] == "retired"
        dev = officer_device(db_session)
        res = client.post(
            "/api/v1/mobile/sync/push",
            headers=dev.headers,
            json={"ops": [dev.op("submission.create", submission())]},
        )
        assert res.status_code == 422
        assert res.json()["type"].endswith("/form-version-retired")

    def test_bad_workbook_lists_problems(self, client: TestClient, db_session: Session) -> None:
        sup = make_user(db_session, Role.SUPERVISOR)
        content = _xlsx([["text", "a", "A", "yes", "${b} = 1", ""]])
        res = client.post(
            "/api/v1/mobile/forms",
            headers=auth_header(token_for(client, sup)),
            files={"file": ("f.xlsx", content)},
        )
        assert res.status_code == 422
        assert res.json()["action"] == "fix"
        assert "'b'" in res.json()["errors"][0]["message"]
