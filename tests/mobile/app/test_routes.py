"""Serving the officer app: shell, manifest, service worker (versioned) and its files only."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from peelian.mobile.app.routes import SHELL_ASSETS


class TestShell:
    def test_shell_is_served_under_the_app_scope_with_the_strict_policy(
        self, client: TestClient
    ) -> None:
        res = client.get("/app/")
        assert res.status_code == 200
        assert '<script type="module" src="/app/static/app.js">' in res.text
        assert "script-src 'self'" in res.headers["content-security-policy"]

    def test_bare_path_redirects_into_the_scope(self, client: TestClient) -> None:
        res = client.get("/app", follow_redirects=False)
        assert res.status_code == 308
        assert res.headers["location"] == "/app/"


class TestManifest:
    def test_manifest_makes_the_app_installable(self, client: TestClient) -> None:
        res = client.get("/app/manifest.webmanifest")
        body = res.json()
        assert res.headers["content-type"].startswith("application/manifest+json")
        assert (body["start_url"], body["scope"], body["display"]) == (
            "/app/",
            "/app/",
            "standalone",
        )
        assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
        for icon in body["icons"]:
            assert client.get(icon["src"]).headers["content-type"] == "image/png"


class TestServiceWorker:
    def test_worker_carries_a_version_and_every_asset_it_caches_exists(
        self, client: TestClient
    ) -> None:
        text = client.get("/app/sw.js").text
        assert "__VERSION__" not in text
        assert "__ASSETS__" not in text
        assets = json.loads(text.split("const ASSETS = ", 1)[1].split(";\n", 1)[0])
        assert "/app/" in assets
        assert "/app/static/app.js" in assets
        assert set(SHELL_ASSETS) <= set(assets)
        for url in assets:
            assert client.get(url).status_code == 200, url


class TestStaticFiles:
    def test_modules_are_served_as_javascript(self, client: TestClient) -> None:
        res = client.get("/app/static/expr.js")
        assert res.headers["content-type"].startswith("text/javascript")

    def test_paths_outside_the_folder_are_refused(self, client: TestClient) -> None:
        for path in (
            "/app/static/../routes.py",
            "/app/static/%2e%2e/routes.py",
            "/app/static/x.js",
        ):
            res = client.get(path)
            assert res.status_code == 404, path
            assert res.headers["content-type"].startswith("application/problem+json")
