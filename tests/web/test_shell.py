"""The web shell: health, readiness, metrics, OpenAPI, request ids and security headers."""

from __future__ import annotations

from fastapi.testclient import TestClient


class TestPlatformRoutes:
    def test_healthz(self, client: TestClient) -> None:
        assert client.get("/healthz").json() == {"status": "ok"}

    def test_readyz_checks_the_database(self, client: TestClient) -> None:
        res = client.get("/readyz")
        assert res.status_code == 200
        assert res.json()["checks"]["database"] == "ok"

    def test_metrics_count_requests(self, client: TestClient) -> None:
        client.get("/healthz")
        text = client.get("/metrics").text
        assert 'peelian_http_requests_total{method="GET",route="/healthz",status="200"}' in text

    def test_openapi_is_3_1(self, client: TestClient) -> None:
        spec = client.get("/openapi.json").json()
        assert spec["openapi"].startswith("3.1")
        assert "/api/v1/auth/token" in spec["paths"]


class TestHeaders:
    def test_security_headers_on_every_response(self, client: TestClient) -> None:
        res = client.get("/")
        assert res.headers["x-content-type-options"] == "nosniff"
        assert res.headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in res.headers["content-security-policy"]

    def test_request_id_is_echoed_or_minted(self, client: TestClient) -> None:
        assert (
            client.get("/healthz", headers={"X-Request-ID": "abcdef123456"}).headers["x-request-id"]
            == "abcdef123456"
        )
        assert len(client.get("/healthz").headers["x-request-id"]) == 16

    def test_problem_carries_the_request_id(self, client: TestClient) -> None:
        res = client.get("/api/v1/me", headers={"X-Request-ID": "req-for-problem-1"})
        assert res.json()["request_id"] == "req-for-problem-1"


class TestPublicPages:
    def test_start_page_uses_govuk_frontend(self, client: TestClient) -> None:
        html = client.get("/").text
        assert "govuk-template" in html
        assert "/static/govuk/govuk-frontend.min.css" in html
        assert client.get("/static/govuk/govuk-frontend.min.css").status_code == 200
