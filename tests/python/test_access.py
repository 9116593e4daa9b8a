"""Keys, TLS and entitlements from Python: newswire.Server and Client."""

from __future__ import annotations

import asyncio

import pytest

import newswire
import newswire.aio
from pki import Pki


def story(source: str, n: int) -> newswire.Article:
    article = newswire.parse_text(f"{source} story {n}\n\nBody of story {n}.")
    article.pb.id = f"urn:{source}:{n}"
    article.pb.source.name = source
    return article


def test_keys_from_python(tmp_path):
    with newswire.Server(data_dir=tmp_path / "data") as srv:
        admin, admin_secret = srv.create_key("admin", ["admin"])
        assert admin.scopes == ("admin",) and admin_secret.startswith("nw_" + admin.id)
        with newswire.Client(srv.address, key=admin_secret) as boss:
            assert boss.whoami().key.name == "admin"
            key, secret = boss.create_key("ap", ["publish", "subscribe"], sources=["AP"],
                                          filter="lang=en", publish_rate=100.0)
            assert key.sources == ("AP",) and key.filter == "lang=en"
            assert key.publish_per_second == 100.0
            with newswire.Client(srv.address, key=secret) as ap:
                assert ap.publish(story("AP", 1)).sequence == 1
                with pytest.raises(newswire.PermissionDeniedError, match='"Reuters"'):
                    ap.publish(story("Reuters", 1))
                with pytest.raises(newswire.PermissionDeniedError, match="admin scope"):
                    ap.list_keys()
            new_key, new_secret = boss.rotate_key(key.id, grace=60)
            assert new_key.rotated_from == key.id
            assert [k.id for k in boss.list_keys()] == [admin.id, key.id, new_key.id]
            boss.revoke_key(key.id)
            with newswire.Client(srv.address, key=secret) as old:
                with pytest.raises(newswire.UnauthenticatedError, match="revoked"):
                    old.publish(story("AP", 2))
            with newswire.Client(srv.address, key=new_secret) as new:
                assert new.publish(story("AP", 2)).sequence == 2
            entries = boss.audit()
            assert any(e.method == "Publish" and not e.allowed and '"Reuters"' in e.reason
                       for e in entries)
            assert any(e.method == "RevokeKey" and key.id in e.reason for e in entries)
            assert all(secret[14:] not in e.reason for e in entries)
        with newswire.Client(srv.address) as anonymous:
            with pytest.raises(newswire.UnauthenticatedError):
                anonymous.get("urn:AP:1")


def test_bad_key_options_are_named():
    with newswire.Server() as srv:
        with pytest.raises(newswire.InvalidArgumentError, match="scopes"):
            srv.create_key("x", ["everything"])
        with pytest.raises(TypeError, match="scopes"):
            srv.create_key("x", "publish")  # type: ignore[arg-type]
        with pytest.raises(newswire.InvalidArgumentError, match="min_urgency"):
            srv.create_key("x", ["subscribe"], filter="min_urgency=high")
        with pytest.raises(newswire.InvalidArgumentError, match="query"):
            srv.create_key("x", ["subscribe"], filter="q=grain")


def test_entitled_subscription_from_python():
    with newswire.Server() as srv:
        _, writer = srv.create_key("desk", ["publish"])
        _, reader = srv.create_key("ap-only", ["subscribe"], sources=["AP"])
        with newswire.Client(srv.address, key=writer) as desk:
            for n in range(3):
                desk.publish(story("AP", n))
                desk.publish(story("Reuters", n))
        with newswire.Client(srv.address, key=reader) as client:
            with client.subscribe(start="earliest") as sub:
                got = []
                while (event := sub.next(timeout=10)) is not None and event.kind != "CAUGHT_UP":
                    got.append(event.article.source.name)
                assert got == ["AP", "AP", "AP"]
            with pytest.raises(newswire.PermissionDeniedError, match="filter.sources"):
                next(iter(client.subscribe(start="earliest", sources=["Reuters"])))


def test_asyncio_client_takes_the_same_options():
    async def main(address: str, secret: str) -> str:
        async with newswire.aio.Client(address, key=secret) as client:
            account = await client.whoami()
            return account.key.name if account.key else ""

    with newswire.Server() as srv:
        _, secret = srv.create_key("async-desk", ["subscribe"])
        assert asyncio.run(main(srv.address, secret)) == "async-desk"


def test_tls_server_and_client_from_python(tmp_path):
    pki = Pki(tmp_path / "pki")
    ca = pki.authority("python test CA")
    cert = pki.server(ca)
    with newswire.Server(tls_cert=cert.cert, tls_key=cert.key) as srv:
        with newswire.Client(srv.address, tls_ca=ca.cert) as client:
            assert client.publish(story("AP", 1)).sequence == 1
            assert client.whoami().via == "open"
        with newswire.Client(srv.address) as plaintext:
            with pytest.raises(newswire.UnavailableError):
                plaintext.publish(story("AP", 2), timeout=5)
    with pytest.raises(newswire.NotFoundError, match="TLS CA"):
        newswire.Client("127.0.0.1:1", tls_ca=tmp_path / "absent.pem")
    with pytest.raises(newswire.InvalidArgumentError, match="is not the key of"):
        newswire.Server(tls_cert=cert.cert, tls_key=ca.key)
