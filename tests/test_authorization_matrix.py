"""Every API and page route × every role → allowed or 403, generated from one table.

The table below names, for each route, the permission it needs (None: any signed-in user, or
public). A route missing from the table fails the suite, so no route escapes the matrix.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.auth.permissions import ROLE_PERMISSIONS, Permission
from tests.fixtures.auth import auth_header, make_user, token_for

P = Permission
PUBLIC = "public"
ANY_UUID = str(uuid.UUID(int=7))

# (method, path) → permission needed; PUBLIC needs no sign-in.
ROUTES: dict[tuple[str, str], Permission | str] = {
    ("POST", "/api/v1/auth/token"): PUBLIC,
    ("POST", "/api/v1/auth/refresh"): PUBLIC,
    ("POST", "/api/v1/auth/logout"): PUBLIC,
    ("GET", "/api/v1/me"): P.SELF_READ,
    ("GET", "/api/v1/users"): P.USERS_READ,
    ("POST", "/api/v1/users"): P.USERS_MANAGE,
    ("GET", "/api/v1/users/{user_id}"): P.USERS_READ,
    ("POST", "/api/v1/users/{user_id}/disable"): P.USERS_MANAGE,
    ("POST", "/api/v1/devices"): P.DEVICES_REGISTER,
    ("GET", "/api/v1/devices"): P.DEVICES_MANAGE,
    ("POST", "/api/v1/devices/{device_id}/revoke"): P.DEVICES_MANAGE,
    ("POST", "/api/v1/devices/{device_id}/wipe"): P.DEVICES_MANAGE,
    ("GET", "/api/v1/audit/events"): P.AUDIT_READ,
    ("POST", "/api/v1/audit/verify"): P.AUDIT_VERIFY,
    ("POST", "/api/v1/audit/checkpoints"): P.AUDIT_VERIFY,
    ("GET", "/api/v1/people"): P.PEOPLE_READ,
    ("POST", "/api/v1/people"): P.PEOPLE_WRITE,
    ("GET", "/api/v1/people/{person_id}"): P.PEOPLE_READ,
    ("PATCH", "/api/v1/people/{person_id}"): P.PEOPLE_WRITE,
    ("GET", "/api/v1/people/{person_id}/check"): P.PERSON_CHECK,
    ("POST", "/api/v1/people/{person_id}/flags"): P.PEOPLE_WRITE,
    ("POST", "/api/v1/people/{person_id}/flags/{flag_id}/cancel"): P.PEOPLE_WRITE,
    ("POST", "/api/v1/people/{person_id}/photos"): P.PEOPLE_WRITE,
    ("POST", "/api/v1/people/{person_id}/merges"): P.PEOPLE_WRITE,
    ("POST", "/api/v1/people/merges/{merge_id}/undo"): P.PEOPLE_WRITE,
    ("GET", "/api/v1/incidents"): P.INCIDENTS_READ,
    ("POST", "/api/v1/incidents"): P.INCIDENTS_WRITE,
    ("GET", "/api/v1/incidents/export.csv"): P.INCIDENTS_EXPORT_TEAM,
    ("GET", "/api/v1/incidents/{incident_id}"): P.INCIDENTS_READ,
    ("PATCH", "/api/v1/incidents/{incident_id}"): P.INCIDENTS_WRITE,
    ("POST", "/api/v1/incidents/{incident_id}/status"): P.INCIDENTS_WRITE,
    ("POST", "/api/v1/incidents/{incident_id}/people"): P.INCIDENTS_WRITE,
    ("GET", "/api/v1/stop-searches"): P.POWERS_READ,
    ("GET", "/api/v1/stop-searches/summary"): P.POWERS_READ,
    ("GET", "/api/v1/stop-searches/export.csv"): P.POWERS_EXPORT_TEAM,
    ("GET", "/api/v1/stop-searches/{stop_search_id}"): P.POWERS_READ,
    ("GET", "/api/v1/vehicle-stops"): P.POWERS_READ,
    ("GET", "/api/v1/vehicle-stops/{vehicle_stop_id}"): P.POWERS_READ,
    ("GET", "/api/v1/statements"): P.STATEMENTS_READ,
    ("GET", "/api/v1/statements/{statement_id}"): P.STATEMENTS_READ,
    ("GET", "/api/v1/missing-reports"): P.PEOPLE_READ,
    ("GET", "/api/v1/missing-reports/{report_id}"): P.PEOPLE_READ,
    ("POST", "/api/v1/biometrics/enrolments"): P.BIO_ENROL,
    ("POST", "/api/v1/biometrics/enrolments/ansi-nist"): P.BIO_ENROL,
    ("GET", "/api/v1/biometrics/enrolments/{person_id}"): P.BIO_ENROL,
    ("DELETE", "/api/v1/biometrics/enrolments/{person_id}"): P.BIO_ENROL,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/staff"): P.SELF_READ,
    ("GET", "/admin/users"): P.USERS_MANAGE,
    ("POST", "/admin/users"): P.USERS_MANAGE,
    ("POST", "/admin/users/{user_id}/disable"): P.USERS_MANAGE,
    ("GET", "/admin/devices"): P.DEVICES_MANAGE,
    ("POST", "/admin/devices/{device_id}/{action}"): P.DEVICES_MANAGE,
    ("GET", "/audit"): P.AUDIT_READ,
    ("POST", "/audit/verify"): P.AUDIT_VERIFY,
    ("GET", "/people"): P.PEOPLE_READ,
    ("GET", "/people/new"): P.PEOPLE_WRITE,
    ("POST", "/people/new"): P.PEOPLE_WRITE,
    ("GET", "/people/{person_id}"): P.PEOPLE_READ,
    ("GET", "/people/{person_id}/check"): P.PERSON_CHECK,
    ("GET", "/people/{person_id}/edit"): P.PEOPLE_WRITE,
    ("POST", "/people/{person_id}/edit"): P.PEOPLE_WRITE,
    ("GET", "/people/{person_id}/flags/new"): P.PEOPLE_WRITE,
    ("POST", "/people/{person_id}/flags/new"): P.PEOPLE_WRITE,
    ("GET", "/incidents"): P.INCIDENTS_READ,
    ("GET", "/incidents/new"): P.INCIDENTS_WRITE,
    ("POST", "/incidents/new"): P.INCIDENTS_WRITE,
    ("GET", "/incidents/export.csv"): P.INCIDENTS_EXPORT_TEAM,
    ("GET", "/incidents/{incident_id}"): P.INCIDENTS_READ,
    ("POST", "/incidents/{incident_id}/status"): P.INCIDENTS_WRITE,
    ("POST", "/incidents/{incident_id}/edit"): P.INCIDENTS_WRITE,
    ("GET", "/stop-searches"): P.POWERS_READ,
    ("GET", "/stop-searches/export.csv"): P.POWERS_EXPORT_TEAM,
    ("GET", "/stop-searches/{stop_search_id}"): P.POWERS_READ,
    ("GET", "/vehicle-stops"): P.POWERS_READ,
    ("GET", "/vehicle-stops/{vehicle_stop_id}"): P.POWERS_READ,
    ("GET", "/statements"): P.STATEMENTS_READ,
    ("GET", "/statements/{statement_id}"): P.STATEMENTS_READ,
    ("GET", "/missing-reports"): P.PEOPLE_READ,
    ("GET", "/missing-reports/{report_id}"): P.PEOPLE_READ,
    ("GET", "/api/v1/mobile/sync/info"): P.FORMS_SUBMIT,
    ("POST", "/api/v1/mobile/sync/push"): P.FORMS_SUBMIT,
    ("POST", "/api/v1/mobile/sync/pull"): P.FORMS_SUBMIT,
    ("POST", "/api/v1/mobile/sync/receipts/verify"): P.FORMS_SUBMIT,
    ("PATCH", "/api/v1/mobile/uploads/{sha256}"): P.FORMS_SUBMIT,
    ("GET", "/api/v1/mobile/forms"): P.FORMS_SUBMIT,
    ("GET", "/api/v1/mobile/forms/{form_id}/versions/{version}"): P.FORMS_SUBMIT,
    ("POST", "/api/v1/mobile/forms"): P.FORMS_PUBLISH,
    ("POST", "/api/v1/mobile/forms/{form_id}/versions/{version}/retire"): P.FORMS_PUBLISH,
    ("GET", "/api/v1/mobile/notebook/entries"): P.NOTEBOOK_WRITE,
    ("GET", "/api/v1/mobile/submissions"): P.SUBMISSIONS_REVIEW,
    ("GET", "/api/v1/mobile/submissions/{submission_id}"): P.SUBMISSIONS_REVIEW,
    ("POST", "/api/v1/mobile/submissions/{submission_id}/review"): P.SUBMISSIONS_REVIEW,
    ("GET", "/api/v1/mobile/conflicts"): P.SUBMISSIONS_REVIEW,
    ("POST", "/api/v1/mobile/conflicts/{conflict_id}/resolve"): P.SUBMISSIONS_REVIEW,
    ("POST", "/api/v1/mobile/briefings"): P.BRIEFINGS_WRITE,
    ("GET", "/api/v1/mobile/frontline-time"): P.SUBMISSIONS_REVIEW,
    ("PUT", "/api/v1/mobile/frontline-time/baselines/{form_id}"): P.FORMS_PUBLISH,
    ("GET", "/mobile/review"): P.SUBMISSIONS_REVIEW,
    ("GET", "/mobile/review/{submission_id}"): P.SUBMISSIONS_REVIEW,
    ("POST", "/mobile/review/{submission_id}"): P.SUBMISSIONS_REVIEW,
    ("GET", "/mobile/frontline"): P.SUBMISSIONS_REVIEW,
    ("GET", "/app"): PUBLIC,
    ("GET", "/app/"): PUBLIC,
    ("GET", "/app/manifest.webmanifest"): PUBLIC,
    ("GET", "/app/sw.js"): PUBLIC,
    ("GET", "/app/static/{name:path}"): PUBLIC,
    ("POST", "/api/v1/biometrics/searches"): P.BIO_SEARCH,
    ("GET", "/api/v1/biometrics/searches/{search_id}"): P.BIO_SEARCH,
    ("GET", "/api/v1/biometrics/reviews"): P.BIO_REVIEW,
    ("POST", "/api/v1/biometrics/reviews/{review_id}/decision"): P.BIO_REVIEW,
    ("GET", "/biometrics/search"): P.BIO_SEARCH,
    ("POST", "/biometrics/search"): P.BIO_SEARCH,
    ("GET", "/biometrics/searches/{search_id}"): P.BIO_SEARCH,
    ("GET", "/biometrics/reviews"): P.BIO_REVIEW,
    ("GET", "/biometrics/reviews/{review_id}"): P.BIO_REVIEW,
    ("GET", "/biometrics/reviews/{review_id}/fingers/{position}.png"): P.BIO_REVIEW,
    ("POST", "/biometrics/reviews/{review_id}/decision"): P.BIO_REVIEW,
    ("GET", "/biometrics/enrolments/new"): P.BIO_ENROL,
    ("POST", "/biometrics/enrolments/new"): P.BIO_ENROL,
    ("GET", "/biometrics/enrolments/{person_id}"): P.BIO_ENROL,
    ("POST", "/biometrics/enrolments/{person_id}/destroy"): P.BIO_ENROL,
    ("GET", "/"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
}


def _walk(routes: Iterable[object], prefix: str, found: set[tuple[str, str]]) -> None:
    for route in routes:
        if isinstance(route, APIRoute):
            for method in route.methods - {"HEAD"}:
                found.add((method, prefix + route.path))
            continue
        # FastAPI >= 0.16x keeps included routers as wrappers around the original router.
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            _walk(inner.routes, prefix + getattr(context, "prefix", ""), found)


def _app_routes(app: FastAPI) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    _walk(app.routes, "", found)
    return found


def test_route_discovery_sees_included_routers(app: FastAPI) -> None:
    # Guards the matrix test below against finding nothing when FastAPI changes shape.
    routes = _app_routes(app)
    assert ("GET", "/api/v1/me") in routes
    assert ("POST", "/api/v1/mobile/sync/push") in routes
    assert len(routes) > 50


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    missing = _app_routes(app) - set(ROUTES)
    assert not missing, f"add these routes to the authorisation table: {sorted(missing)}"


def _concrete(path: str) -> str:
    for name in (
        "user_id",
        "device_id",
        "person_id",
        "flag_id",
        "merge_id",
        "incident_id",
        "submission_id",
        "conflict_id",
        "stop_search_id",
        "vehicle_stop_id",
        "statement_id",
        "report_id",
        "search_id",
        "review_id",
    ):
        path = path.replace("{" + name + "}", ANY_UUID)
    return (
        path.replace("{action}", "revoke")
        .replace("{sha256}", "0" * 64)
        .replace("{form_id}", "stop_search")
        .replace("{version}", "1")
        .replace("{position}", "2")
    )


GUARDED = sorted(
    (k, v) for k, v in ROUTES.items() if v != PUBLIC and k[0] and k[1].startswith("/api/")
)
PAGES = sorted((k, v) for k, v in ROUTES.items() if v != PUBLIC and not k[1].startswith("/api/"))


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_api_routes_allow_exactly_the_roles_with_permission(
    client: TestClient, db_session: Session, role: Role
) -> None:
    made = make_user(db_session, role)
    headers = auth_header(token_for(client, made), purpose="authorisation matrix test")
    for (method, path), permission in GUARDED:
        res = client.request(method, _concrete(path), headers=headers, json={})
        allowed = permission in ROLE_PERMISSIONS[role]
        if allowed:
            assert res.status_code != 403, f"{role.value} refused {method} {path}: {res.text}"
        else:
            assert res.status_code == 403, f"{role.value} got {res.status_code} on {method} {path}"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_pages_allow_exactly_the_roles_with_permission(
    client: TestClient, db_session: Session, role: Role
) -> None:
    made = make_user(db_session, role)
    form = {"username": made.user.username, "password": made.password, "totp": made.code() or ""}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    for (method, path), permission in PAGES:
        if method != "GET":
            continue  # unsafe page methods are covered with CSRF in test_pages
        res = client.request(method, _concrete(path), headers={"accept": "text/html"})
        allowed = permission in ROLE_PERMISSIONS[role]
        assert (res.status_code != 403) if allowed else (res.status_code == 403), (
            f"{role.value} got {res.status_code} on {method} {path}"
        )


@pytest.mark.parametrize(("method", "path"), [k for k, _ in GUARDED])
def test_api_routes_refuse_anonymous_callers(client: TestClient, method: str, path: str) -> None:
    res = client.request(method, _concrete(path), json={})
    assert res.status_code == 401
