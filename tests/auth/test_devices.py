"""Officer devices: registration, signed proofs at sign-in, revocation and remote wipe."""

from __future__ import annotations

import base64
import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session

from peelian.auth import devices
from peelian.auth.devices import device_proof_message
from peelian.auth.models import Role
from peelian.auth.schemas import DeviceRegister
from peelian.auth.security import decode_access_token, encode_access_token
from peelian.core.audit import Actor
from peelian.core.ids import uuid7
from tests.fixtures.auth import MadeUser, auth_header, make_user, token_for


class Phone:
    """A simulated officer phone with its own key pair."""

    def __init__(self) -> None:
        self.id = uuid7()
        self.key = Ed25519PrivateKey.generate()
        raw = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public_key = base64.b64encode(raw).decode()

    def proof(self, username: str, *, skew_s: int = 0) -> dict[str, object]:
        ts = int(time.time()) + skew_s
        sig = self.key.sign(device_proof_message(username, self.id, ts))
        return {
            "device_id": str(self.id),
            "device_timestamp": ts,
            "device_signature": base64.b64encode(sig).decode(),
        }


def _register(db_session: Session, made: MadeUser, phone: Phone) -> None:
    devices.register_device(
        db_session,
        actor=Actor.system("test"),
        user=made.user,
        device_in=DeviceRegister(id=phone.id, name="Pixel 8", public_key=phone.public_key),
    )
    db_session.commit()


def _device_login(client: TestClient, made: MadeUser, proof: dict[str, object]) -> Response:
    return client.post(
        "/api/v1/auth/token",
        json={
            "username": made.user.username,
            "password": made.password,
            "totp": made.code(),
            **proof,
        },
    )


def _fresh_officer(db_session: Session) -> MadeUser:
    return make_user(db_session, Role.OFFICER, username=f"pc-{uuid.uuid4().hex[:6]}")


class TestDeviceSignIn:
    def test_registered_device_gets_a_device_bound_token(
        self, client: TestClient, db_session: Session
    ) -> None:
        officer, phone = _fresh_officer(db_session), Phone()
        res = client.post(
            "/api/v1/devices",
            json={"id": str(phone.id), "name": "P", "public_key": phone.public_key},
            headers=auth_header(token_for(client, officer)),
        )
        assert res.status_code == 201
        assert res.json()["tokens"] is None  # no proof given: sign in as the device next
        admin = make_user(db_session, Role.ADMINISTRATOR)
        listed = client.get("/api/v1/devices", headers=auth_header(token_for(client, admin))).json()
        assert [d["id"] for d in listed] == [str(phone.id)]

    def test_registration_is_idempotent(self, client: TestClient, db_session: Session) -> None:
        officer, phone = _fresh_officer(db_session), Phone()
        token = token_for(client, officer)
        body = {"id": str(phone.id), "name": "P", "public_key": phone.public_key}
        assert (
            client.post("/api/v1/devices", json=body, headers=auth_header(token)).status_code == 201
        )
        assert (
            client.post("/api/v1/devices", json=body, headers=auth_header(token)).status_code == 201
        )

    def test_bad_public_key_is_refused(self, client: TestClient, db_session: Session) -> None:
        officer = _fresh_officer(db_session)
        res = client.post(
            "/api/v1/devices",
            headers=auth_header(token_for(client, officer)),
            json={"id": str(uuid7()), "name": "P", "public_key": "A" * 44},
        )
        assert res.status_code == 422

    def test_signed_proof_gives_a_token_that_names_the_device(
        self, client: TestClient, db_session: Session
    ) -> None:
        officer, phone = _fresh_officer(db_session), Phone()
        _register(db_session, officer, phone)
        res = _device_login(client, officer, phone.proof(officer.user.username))
        assert res.status_code == 200, res.text
        claims = decode_access_token(b"k" * 32, res.json()["access_token"])
        assert claims.device_id == phone.id

    def test_forged_device_signature_is_refused(
        self, client: TestClient, db_session: Session
    ) -> None:
        officer, phone = _fresh_officer(db_session), Phone()
        _register(db_session, officer, phone)
        proof = Phone().proof(officer.user.username)
        proof["device_id"] = str(phone.id)
        res = _device_login(client, officer, proof)
        assert res.status_code == 401
        assert "signature" in res.json()["detail"]

    def test_skewed_device_clock_is_told_to_correct_it(
        self, client: TestClient, db_session: Session
    ) -> None:
        officer, phone = _fresh_officer(db_session), Phone()
        _register(db_session, officer, phone)
        res = _device_login(client, officer, phone.proof(officer.user.username, skew_s=-900))
        assert res.status_code == 401
        assert "clock" in res.json()["detail"]


class TestRevokeAndWipe:
    def test_revoked_device_token_stops_working_and_says_why(
        self, client: TestClient, db_session: Session
    ) -> None:
        officer, phone = _fresh_officer(db_session), Phone()
        _register(db_session, officer, phone)
        device_token = encode_access_token(
            b"k" * 32, user_id=officer.user.id, role="officer", device_id=phone.id, ttl_s=600
        )
        assert client.get("/api/v1/me", headers=auth_header(device_token)).status_code == 200
        admin = make_user(db_session, Role.ADMINISTRATOR)
        admin_h = auth_header(token_for(client, admin))
        assert client.post(f"/api/v1/devices/{phone.id}/wipe", headers=admin_h).status_code == 200
        res = client.get("/api/v1/me", headers=auth_header(device_token))
        assert res.status_code == 403
        assert res.json()["action"] == "wipe"
        client.post(f"/api/v1/devices/{phone.id}/revoke", headers=admin_h)
        assert (
            client.get("/api/v1/me", headers=auth_header(device_token)).json()["action"]
            == "re-register"
        )


def _register_with_proof(
    client: TestClient, token: str, phone: Phone, username: str, **overrides: object
) -> Response:
    proof = phone.proof(username)
    del proof["device_id"]
    body = {"id": str(phone.id), "name": "P", "public_key": phone.public_key, **proof, **overrides}
    return client.post("/api/v1/devices", json=body, headers=auth_header(token))


class TestRegisterAndSignInAtOnce:
    """A registration that carries the device's proof answers with device-bound tokens."""

    def test_one_code_registers_the_device_and_signs_it_in(
        self, client: TestClient, db_session: Session
    ) -> None:
        officer, phone = _fresh_officer(db_session), Phone()
        res = _register_with_proof(client, token_for(client, officer), phone, officer.user.username)
        assert res.status_code == 201, res.text
        tokens = res.json()["tokens"]
        assert decode_access_token(b"k" * 32, tokens["access_token"]).device_id == phone.id
        info = client.get("/api/v1/mobile/sync/info", headers=auth_header(tokens["access_token"]))
        assert info.status_code == 200
        refreshed = client.post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert decode_access_token(b"k" * 32, refreshed.json()["access_token"]).device_id == (
            phone.id
        )

    def test_a_forged_proof_registers_nothing(
        self, client: TestClient, db_session: Session
    ) -> None:
        officer, phone = _fresh_officer(db_session), Phone()
        forged = Phone().proof(officer.user.username)
        res = _register_with_proof(
            client,
            token_for(client, officer),
            phone,
            officer.user.username,
            device_signature=forged["device_signature"],
        )
        assert res.status_code == 401
        assert res.headers["content-type"].startswith("application/problem+json")
        db_session.expire_all()
        admin = make_user(db_session, Role.ADMINISTRATOR)
        listed = client.get("/api/v1/devices", headers=auth_header(token_for(client, admin)))
        assert str(phone.id) not in [d["id"] for d in listed.json()]

    def test_a_device_bound_token_cannot_register_another_device(
        self, client: TestClient, db_session: Session
    ) -> None:
        officer, phone, other = _fresh_officer(db_session), Phone(), Phone()
        _register(db_session, officer, phone)
        device_token = encode_access_token(
            b"k" * 32, user_id=officer.user.id, role="officer", device_id=phone.id, ttl_s=600
        )
        res = _register_with_proof(client, device_token, other, officer.user.username)
        assert res.status_code == 403
        assert "already bound" in res.json()["detail"]

    def test_a_stale_sign_in_must_be_made_again(
        self, client: TestClient, db_session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        officer, phone = _fresh_officer(db_session), Phone()
        real = time.time
        monkeypatch.setattr("peelian.auth.security.time.time", lambda: real() - 400)
        old = encode_access_token(
            b"k" * 32, user_id=officer.user.id, role="officer", device_id=None, ttl_s=900
        )
        monkeypatch.undo()
        res = _register_with_proof(client, old, phone, officer.user.username)
        assert res.status_code == 401
        assert res.json()["action"] == "sign-in"
