"""Signed-in API headers for the records tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from tests.fixtures.auth import auth_header, make_user, token_for

PURPOSE = "Incident INC-20261129-000001: suspect check"


@pytest.fixture
def writer(client: TestClient, db_session: Session) -> dict[str, str]:
    """An investigator (may read and write people) with a purpose header."""
    return auth_header(token_for(client, make_user(db_session, Role.INVESTIGATOR)), PURPOSE)


@pytest.fixture
def officer(client: TestClient, db_session: Session) -> dict[str, str]:
    """A response officer (may read and check people) with a purpose header."""
    return auth_header(token_for(client, make_user(db_session, Role.OFFICER)), PURPOSE)
