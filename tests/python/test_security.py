"""The secure wire, tested with clients no one here wrote: plain grpcio
(stubs generated from proto/) over TLS, with and without a client
certificate, against `newswire serve` with keys made by `newswire keys`."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import re
import sqlite3
import subprocess
import threading
import time

import grpc
import pytest

from conftest import DATA, NEWSWIRE_BIN, ServeProcess, run_cli
from newswire.v1 import access_pb2, access_pb2_grpc, article_pb2, feed_pb2, feed_pb2_grpc
from pki import Identity, Pki

URI_PRINCIPAL = "spiffe://newsroom.test/ap-feed"


class World:
    """A PKI, an archive with keys made offline, and a TLS server on it."""

    def __init__(self, tmp: pathlib.Path, *extra_serve_args: str) -> None:
        self.pki = Pki(tmp / "pki")
        self.ca = self.pki.authority("newswire test CA")
        self.server_id = self.pki.server(self.ca)
        self.client_id = self.pki.client(self.ca, "ap-feed", URI_PRINCIPAL)
        self.cn_only = self.pki.client(self.ca, "wire-desk")
        self.foreign_ca = self.pki.authority("someone else's CA")
        self.foreign_client = self.pki.client(self.foreign_ca, "intruder")
        self.data = tmp / "data"
        self.keys: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        self.outputs: list[str] = []
        self.key("admin", "admin")
        self.key("ap", "publish", "--sources", "AP")
        self.key("reader", "subscribe,search")
        # The served certificate and key live at fixed paths: rotation
        # renames new files over them.
        self.served = Identity(tmp / "served.crt", tmp / "served.key")
        self.served.cert.write_bytes(self.server_id.cert.read_bytes())
        self.served.key.write_bytes(self.server_id.key.read_bytes())
        self.proc = ServeProcess([
            str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0", "--data", str(self.data),
            "--tls-cert", str(self.served.cert), "--tls-key", str(self.served.key),
            "--client-ca", str(self.ca.cert), "--tls-refresh", "1s",
            # Every event the server logs, so the no-secret check sees them all.
            "--log-level", "debug", *extra_serve_args])
        self.address = self.proc.address

    def key(self, name: str, scopes: str, *flags: str) -> str:
        """Creates a key offline in the archive (no server holds it yet)."""
        done = run_cli("keys", "create", name, "--scope", scopes, "--data", str(self.data), *flags)
        assert done.returncode == 0, done.stderr
        secret = done.stdout.strip()
        assert re.fullmatch(r"nw_[a-z2-7]{10}_[0-9A-Za-z]{49}", secret), done.stdout
        self.outputs += [done.stderr]
        self.keys[name] = secret
        self.ids[name] = secret[3:13]
        return secret

    def channel(self, key: str | None = None, client: Identity | None = None,
                ca: Identity | None = None) -> grpc.Channel:
        cert_chain = private_key = None
        if client is not None:
            cert_chain, private_key = client.read()
        creds = grpc.ssl_channel_credentials((ca or self.ca).cert.read_bytes(), private_key,
                                             cert_chain)
        if key is not None:
            creds = grpc.composite_channel_credentials(
                creds, grpc.access_token_call_credentials(key))
        # A channel of its own (no subchannel shared with other channels),
        # so each one makes its own handshake.
        return grpc.secure_channel(self.address, creds,
                                   options=[("grpc.use_local_subchannel_pool", 1)])

    def cli(self, *args: str, key: str | None = None) -> "subprocess.CompletedProcess[str]":
        flags = ["--server", self.address, "--tls-ca", str(self.ca.cert)]
        if key is not None:
            flags += ["--key", key]
        done = run_cli(*args, *flags)
        self.outputs += [done.stdout, done.stderr]
        return done

    def stop(self) -> None:
        self.proc.stop()
        self.outputs += self.proc.output


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    try:
        yield w
    finally:
        w.stop()


def story(source: str, n: int, **fields: object) -> article_pb2.Article:
    return article_pb2.Article(id=f"urn:{source}:{n}", headline=f"{source} story {n}",
                               body_text=f"Story {n} of {source}.",
                               source=article_pb2.Source(name=source), **fields)


def publish(channel: grpc.Channel, article: article_pb2.Article) -> feed_pb2.PublishResponse:
    return feed_pb2_grpc.NewsFeedStub(channel).Publish(
        feed_pb2.PublishRequest(article=article), timeout=10)


def rpc_error(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as info:
        call()
    return info.value


def test_good_key_over_tls_publishes(world):
    with world.channel(world.keys["ap"]) as channel:
        assert publish(channel, story("AP", 1)).sequence == 1
    # The key may also go as x-api-key metadata.
    with world.channel() as channel:
        stub = feed_pb2_grpc.NewsFeedStub(channel)
        got = stub.GetArticle(feed_pb2.GetArticleRequest(id="urn:AP:1"), timeout=10,
                              metadata=[("x-api-key", world.keys["reader"])])
        assert got.article.headline == "AP story 1"


def test_missing_bad_and_mistyped_keys_are_unauthenticated(world):
    with world.channel() as channel:
        err = rpc_error(lambda: publish(channel, story("AP", 1)))
        assert err.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "authorization: Bearer" in err.details()
    with world.channel("not-a-key") as channel:
        err = rpc_error(lambda: publish(channel, story("AP", 1)))
        assert err.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "not a newswire API key" in err.details()
    secret = world.keys["ap"]
    typo = secret[:-10] + ("x" if secret[-10] != "x" else "y") + secret[-9:]
    with world.channel(typo) as channel:
        err = rpc_error(lambda: publish(channel, story("AP", 1)))
        assert err.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "checksum" in err.details()
    forged = world.keys["ap"][:14] + world.keys["reader"][14:]
    with world.channel(forged) as channel:
        err = rpc_error(lambda: publish(channel, story("AP", 1)))
        assert err.code() == grpc.StatusCode.UNAUTHENTICATED


def test_revoked_and_expired_keys_are_unauthenticated(world):
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    done = world.cli("keys", "create", "temp", "--scope", "publish", "--expires", expires,
                     key=world.keys["admin"])
    assert done.returncode == 0, done.stderr
    temp = done.stdout.strip()
    with world.channel(temp) as channel:
        assert publish(channel, story("AP", 1)).sequence == 1
        time.sleep(3)
        err = rpc_error(lambda: publish(channel, story("AP", 2)))
        assert err.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "expired" in err.details()

    assert world.cli("keys", "revoke", world.ids["reader"], key=world.keys["admin"]).returncode == 0
    with world.channel(world.keys["reader"]) as channel:
        err = rpc_error(lambda: feed_pb2_grpc.NewsFeedStub(channel).GetArticle(
            feed_pb2.GetArticleRequest(id="urn:AP:1"), timeout=10))
        assert err.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "revoked" in err.details()


def test_publishing_as_another_source_is_denied_naming_it(world):
    with world.channel(world.keys["ap"]) as channel:
        err = rpc_error(lambda: publish(channel, story("Reuters", 1)))
        assert err.code() == grpc.StatusCode.PERMISSION_DENIED
        assert '"Reuters"' in err.details()
    with world.channel(world.keys["reader"]) as channel:
        err = rpc_error(lambda: publish(channel, story("AP", 1)))
        assert err.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "publish scope" in err.details()


def test_client_certificates(world):
    # Signed by the server's client CA: in, and its URI SAN is read.
    with world.channel(world.keys["reader"], client=world.client_id) as channel:
        stub = feed_pb2_grpc.NewsFeedStub(channel)
        assert stub.SearchArticles(feed_pb2.SearchArticlesRequest(query="x"), timeout=10)
    # Signed by a CA the server does not trust: the handshake is refused.
    with world.channel(world.keys["reader"], client=world.foreign_client) as channel:
        err = rpc_error(lambda: feed_pb2_grpc.NewsFeedStub(channel).SearchArticles(
            feed_pb2.SearchArticlesRequest(query="x"), timeout=10))
        assert err.code() == grpc.StatusCode.UNAVAILABLE
    # A plaintext client cannot talk to a TLS server.
    with grpc.insecure_channel(world.address) as channel:
        err = rpc_error(lambda: feed_pb2_grpc.NewsFeedStub(channel).SearchArticles(
            feed_pb2.SearchArticlesRequest(query="x"), timeout=10))
        assert err.code() == grpc.StatusCode.UNAVAILABLE


def test_a_certificate_may_name_a_principal(world):
    done = world.cli("keys", "create", URI_PRINCIPAL, "--certificate", "--scope", "publish",
                     "--sources", "AP", key=world.keys["admin"])
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # No secret for a certificate grant.
    with world.channel(client=world.client_id) as channel:
        me = access_pb2_grpc.AccountStub(channel).GetEntitlements(
            access_pb2.GetEntitlementsRequest(), timeout=10)
        assert me.via == access_pb2.GetEntitlementsResponse.VIA_CERTIFICATE
        assert me.key.name == URI_PRINCIPAL
        assert publish(channel, story("AP", 1)).sequence == 1
    # A certificate naming no grant (CN "wire-desk") and no key: refused.
    with world.channel(client=world.cn_only) as channel:
        err = rpc_error(lambda: publish(channel, story("AP", 2)))
        assert err.code() == grpc.StatusCode.UNAUTHENTICATED
        assert '"wire-desk"' in err.details()


def test_revocation_ends_an_open_stream_within_two_seconds(world):
    with world.channel(world.keys["reader"]) as channel:
        stream = feed_pb2_grpc.NewsFeedStub(channel).Subscribe(
            feed_pb2.SubscribeRequest(start=feed_pb2.SubscribeRequest.START_EARLIEST),
            timeout=60)
        first = next(stream)
        assert first.events[0].kind == feed_pb2.EVENT_KIND_CAUGHT_UP
        ended: dict[str, object] = {}

        def read_to_end() -> None:
            try:
                for _ in stream:
                    pass
            except grpc.RpcError as error:
                ended["at"] = time.monotonic()
                ended["error"] = error

        reader = threading.Thread(target=read_to_end)
        reader.start()
        done = world.cli("keys", "revoke", world.ids["reader"], key=world.keys["admin"])
        revoked_at = time.monotonic()
        assert done.returncode == 0, done.stderr
        reader.join(timeout=10)
        assert "error" in ended, "the stream was not ended"
        assert ended["error"].code() == grpc.StatusCode.UNAUTHENTICATED
        assert "revoked" in ended["error"].details()
        assert ended["at"] - revoked_at < 2.0
    audit = world.cli("audit", "--json", key=world.keys["admin"])
    assert audit.returncode == 0, audit.stderr
    assert f"revoked key {world.ids['reader']}" in audit.stdout
    assert "stream ended" in audit.stdout


def test_certificate_rotation_by_atomic_rename(world):
    publisher = world.channel(world.keys["ap"])
    stream = feed_pb2_grpc.NewsFeedStub(world.channel(world.keys["reader"])).Subscribe(
        feed_pb2.SubscribeRequest(start=feed_pb2.SubscribeRequest.START_LATEST), timeout=60)
    assert next(stream).events[0].kind == feed_pb2.EVENT_KIND_CAUGHT_UP
    # Both connections are made (handshakes done) before the rotation.
    assert publish(publisher, story("AP", 6)).sequence == 1
    assert next(stream).events[0].article.id == "urn:AP:6"

    # A new certificate from a new CA: a client trusting only that CA gets
    # in once the server presents it.
    new_ca = world.pki.authority("renewed CA")
    renewed = world.pki.server(new_ca)
    with world.channel(world.keys["reader"], ca=new_ca) as channel:
        err = rpc_error(lambda: feed_pb2_grpc.NewsFeedStub(channel).GetArticle(
            feed_pb2.GetArticleRequest(id="urn:none"), timeout=5))
        assert err.code() == grpc.StatusCode.UNAVAILABLE
    for new, served in ((renewed.key, world.served.key), (renewed.cert, world.served.cert)):
        aside = served.with_suffix(".new")
        aside.write_bytes(new.read_bytes())
        os.rename(aside, served)
    renamed_at = time.monotonic()
    while True:
        with world.channel(world.keys["reader"], ca=new_ca) as channel:
            try:
                feed_pb2_grpc.NewsFeedStub(channel).GetArticle(
                    feed_pb2.GetArticleRequest(id="urn:none"), timeout=5)
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.NOT_FOUND:
                    break  # Handshake done with the new certificate.
                assert error.code() == grpc.StatusCode.UNAVAILABLE, error.details()
        # The bound: the refresh interval (1 s) + 1 s.
        assert time.monotonic() - renamed_at < 2.0, "the new certificate was not used in time"
        time.sleep(0.1)
    # The connections made before the rotation are still served.
    assert publish(publisher, story("AP", 7)).sequence == 2
    (event,) = next(stream).events
    assert event.article.id == "urn:AP:7"
    stream.cancel()
    publisher.close()


def test_no_secret_in_the_archive_or_any_log(world):
    with world.channel(world.keys["ap"]) as channel:
        publish(channel, story("AP", 1))
        rpc_error(lambda: publish(channel, story("Reuters", 1)))
    with world.channel(world.keys["reader"]) as channel:
        rpc_error(lambda: publish(channel, story("AP", 2)))
    world.cli("keys", "list", key=world.keys["admin"])
    world.cli("audit", key=world.keys["admin"])
    world.cli("whoami", key=world.keys["reader"])
    time.sleep(0.3)  # Audit rows reach the archive.
    world.stop()
    dump = "\n".join(sqlite3.connect(world.data / "newswire.db").iterdump())
    assert "audit_log" in dump and "api_keys" in dump
    logs = "\n".join(world.outputs)
    # The log names who did what by key id: the refusals are there.
    assert re.search(r"call\.denied method=Publish .* key=" + world.ids["reader"]
                     + r" reason=\"PERMISSION_DENIED: ", logs)
    assert re.search(r"publish\.refused code=PERMISSION_DENIED .* key=" + world.ids["ap"], logs)
    assert re.search(r"publish\.accepted .* key=" + world.ids["ap"], logs)
    files = b"".join(p.read_bytes() for p in world.data.rglob("*") if p.is_file())
    for name, secret in world.keys.items():
        body = secret[14:]  # What follows the public id.
        assert body not in dump, f"{name}'s secret is in the archive"
        assert body not in logs, f"{name}'s secret is in a log"
        assert body.encode() not in files, f"{name}'s secret is in a file"


def test_whoami_and_keys_list(world):
    me = world.cli("whoami", key=world.keys["ap"])
    assert me.returncode == 0, me.stderr
    assert "ap" in me.stdout and "publish" in me.stdout and "sources=AP" in me.stdout
    listed = world.cli("keys", "list", key=world.keys["admin"])
    assert listed.returncode == 0, listed.stderr
    assert all(world.ids[n] in listed.stdout for n in ("admin", "ap", "reader"))
    refused = world.cli("keys", "list", key=world.keys["ap"])
    assert refused.returncode == 1
    assert "admin scope" in refused.stderr


def test_binding_beyond_loopback_needs_tls_and_keys(tmp_path):
    done = run_cli("serve", "--listen", "0.0.0.0:0", "--data", str(tmp_path / "data"))
    assert done.returncode == 1
    assert "refusing to listen on 0.0.0.0:0 without TLS and API keys" in done.stderr
    assert "--insecure" in done.stderr


def test_a_second_server_on_a_port_in_use_fails(tmp_path):
    first = ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0",
                          "--data", str(tmp_path / "one")])
    try:
        done = run_cli("serve", "--listen", first.address, "--data", str(tmp_path / "two"))
        assert done.returncode == 1
        assert "in use" in done.stderr
    finally:
        first.stop()


def test_offline_keys_need_the_archive_free(tmp_path):
    proc = ServeProcess([str(NEWSWIRE_BIN), "serve", "--listen", "127.0.0.1:0",
                         "--data", str(tmp_path / "data")])
    try:
        done = run_cli("keys", "create", "x", "--scope", "admin", "--data", str(tmp_path / "data"))
        assert done.returncode == 1
        assert "--server with an admin key" in done.stderr
        # Through the server instead: it has no keys yet, so it is open.
        done = run_cli("keys", "create", "first-admin", "--scope", "admin",
                       "--server", proc.address)
        assert done.returncode == 0, done.stderr
        admin = done.stdout.strip()
        # From now on the server needs keys.
        refused = run_cli("publish", "--server", proc.address, str(DATA / "byline.txt"))
        assert "UNAUTHENTICATED" in refused.stderr
        me = run_cli("whoami", "--server", proc.address, "--key", admin)
        assert "first-admin" in me.stdout, me.stderr
    finally:
        proc.stop()
