"""A throwaway PKI for TLS tests, made with the `openssl` command line (EC
P-256 keys): certificate authorities, a server certificate for localhost and
127.0.0.1, and client certificates naming a principal by URI SAN or CN."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
from typing import NamedTuple

import pytest

OPENSSL = shutil.which("openssl")


class Identity(NamedTuple):
    cert: pathlib.Path
    key: pathlib.Path

    def read(self) -> tuple[bytes, bytes]:
        return self.cert.read_bytes(), self.key.read_bytes()


def _run(*args: str) -> None:
    done = subprocess.run([OPENSSL or "openssl", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"openssl {' '.join(args)} failed:\n{done.stderr}")


class Pki:
    """Certificates in ``dir``; each authority and leaf gets its own files."""

    def __init__(self, dir: pathlib.Path) -> None:
        if OPENSSL is None:
            pytest.skip("the openssl command is not installed (Debian package openssl)")
        self.dir = dir
        dir.mkdir(parents=True, exist_ok=True)
        self._serial = 0

    def _name(self, stem: str) -> pathlib.Path:
        self._serial += 1
        return self.dir / f"{stem}-{self._serial}"

    def authority(self, name: str) -> Identity:
        base = self._name("ca")
        ident = Identity(base.with_suffix(".crt"), base.with_suffix(".key"))
        _run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-days", "2", "-subj", f"/CN={name}", "-keyout", str(ident.key),
             "-out", str(ident.cert), "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        return ident

    def issue(self, ca: Identity, cn: str, san: str | None, usage: str) -> Identity:
        """A leaf certificate signed by ``ca``; ``usage`` is serverAuth or
        clientAuth."""
        base = self._name(usage)
        ident = Identity(base.with_suffix(".crt"), base.with_suffix(".key"))
        csr = base.with_suffix(".csr")
        ext = base.with_suffix(".ext")
        lines = ["basicConstraints=CA:FALSE", f"extendedKeyUsage={usage}"]
        if san:
            lines.append(f"subjectAltName={san}")
        ext.write_text("\n".join(lines) + "\n")
        _run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-subj", f"/CN={cn}", "-keyout", str(ident.key), "-out", str(csr))
        _run("x509", "-req", "-in", str(csr), "-CA", str(ca.cert), "-CAkey", str(ca.key),
             "-set_serial", str(self._serial * 1000 + 7), "-days", "2", "-extfile", str(ext),
             "-out", str(ident.cert))
        return ident

    def server(self, ca: Identity) -> Identity:
        return self.issue(ca, "localhost", "DNS:localhost,IP:127.0.0.1", "serverAuth")

    def client(self, ca: Identity, cn: str, uri: str | None = None) -> Identity:
        return self.issue(ca, cn, f"URI:{uri}" if uri else None, "clientAuth")
