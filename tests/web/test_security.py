"""Access (issue 11.7): token, loopback default, size cap, no paths, security headers."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from parley.cli.app import app as cli
from parley.web import create_app
from tests.web.conftest import UKRAINE, post_yaml

TOKEN = "s3cret-token-0123456789"


def test_security_headers_on_every_response(client) -> None:
    for path in ("/", "/api/scenarios", "/api/runs/5", "/static/app.js", "/openapi.json"):
        r = client.get(path)
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"


def test_token_required_everywhere(db: Path) -> None:
    with TestClient(create_app(db, token=TOKEN)) as c:
        for path in ("/", "/api/scenarios", "/openapi.json", "/static/app.js"):
            assert c.get(path).status_code == 401
        assert c.get("/api/scenarios", headers={"authorization": "Bearer wrong"}).status_code == 401
        ok = c.get("/api/scenarios", headers={"authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
        assert post_yaml(c, UKRAINE.read_text()).status_code == 401
        # the browser way: ?token= once sets a cookie, then the cookie is enough
        r = c.get(f"/?token={TOKEN}", follow_redirects=False)
        assert r.status_code == 303 and "HttpOnly" in r.headers["set-cookie"]
        assert r.headers["location"] == "/"
        assert c.get("/").status_code == 200
        c.cookies.clear()
        c.cookies.set("parley_token", "x")
        assert c.get("/?token=wrong").status_code == 401


def test_serve_refuses_a_public_address_without_token(monkeypatch) -> None:
    monkeypatch.delenv("PARLEY_TOKEN", raising=False)
    r = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2
    assert "without a token" in r.output
    r = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--token", "short"])
    assert r.exit_code == 2 and "too short" in r.output


def test_upload_size_cap(db: Path) -> None:
    with TestClient(create_app(db, max_body=10_000)) as c:
        big = b"title: x\n" + b"#" * 20_000
        r = c.post("/api/scenarios", content=big, headers={"content-type": "application/x-yaml"})
        assert r.status_code == 413
        r = c.post("/api/scenarios", files={"file": ("a.yaml", big)})
        assert r.status_code == 413

        def chunks():  # no Content-Length: streamed
            for _ in range(30):
                yield b"#" * 1000

        r = c.post("/api/scenarios", content=chunks(),
                   headers={"content-type": "application/x-yaml"})
        assert r.status_code == 413


def test_no_path_reaches_the_file_system(client) -> None:
    for path in ("/static/../../pyproject.toml", "/static/%2e%2e%2fapp.py", "/static/app.py",
                 "/static/templates/base.html", "/static/..%2F..%2Fetc%2Fpasswd"):
        assert client.get(path).status_code == 404, path
    # an upload's file name is only a label
    r = client.post("/api/scenarios", files={"file": ("../../etc/passwd", UKRAINE.read_bytes())})
    assert r.status_code == 201
    assert "/" not in client.get(f"/api/scenarios/{r.json()['id']}").json()["name"]
    r = client.post("/builtin", data={"name": "../../../etc/passwd"})
    assert r.status_code == 400


def test_cross_site_posts_are_refused(client) -> None:
    r = client.post("/api/scenarios", content=UKRAINE.read_bytes(),
                    headers={"content-type": "application/x-yaml", "origin": "http://evil.example"})
    assert r.status_code == 403
    r = client.post("/api/scenarios", content=UKRAINE.read_bytes(),
                    headers={"content-type": "application/x-yaml", "origin": "http://testserver"})
    assert r.status_code == 201
