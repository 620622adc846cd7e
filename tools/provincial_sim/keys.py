"""Key material for demos and tests: the provincial key pair, terminal credentials, a TLS cert.

On a real deployment the province generates its key pair and issues terminal credentials; this
module makes the same files locally so the simulator and a terminal can talk to each other.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk import sealing
from kiosk.sync import signing


@dataclass(frozen=True)
class KeyFiles:
    private_key: Path
    public_key: Path
    credentials: Path
    terminals: Path
    tls_cert: Path | None = None
    tls_key: Path | None = None


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def load_terminal_registry(path: Path) -> dict[str, bytes]:
    """The simulator's ``{terminal_id: base64 secret}`` file."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return {str(k): base64.b64decode(v) for k, v in doc.items()}


def add_terminal(registry: Path, creds: signing.TerminalCredentials) -> None:
    doc: dict[str, str] = {}
    if registry.is_file():
        doc = json.loads(registry.read_text(encoding="utf-8"))
    doc[creds.terminal_id] = base64.b64encode(creds.secret).decode()
    _write_private(registry, json.dumps(doc, indent=2).encode())


def self_signed_certificate(cert_path: Path, key_path: Path, host: str = "127.0.0.1") -> None:
    """A certificate for ``host`` (IP or DNS name) that a terminal can pin as its CA file."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    try:
        alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alt = x509.DNSName(host)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def init_keys(directory: Path, terminal_id: str, *, tls: bool = False) -> KeyFiles:
    """Create every file a demo needs in ``directory`` (existing provincial keys are kept)."""
    directory.mkdir(parents=True, exist_ok=True)
    files = KeyFiles(
        private_key=directory / "provincial_private.pem",
        public_key=directory / "provincial_public.pem",
        credentials=directory / f"terminal-{terminal_id}.json",
        terminals=directory / "terminals.json",
        tls_cert=directory / "tls_cert.pem" if tls else None,
        tls_key=directory / "tls_key.pem" if tls else None,
    )
    if not files.private_key.exists():
        key = sealing.generate_private_key()
        _write_private(files.private_key, sealing.private_key_pem(key))
        files.public_key.write_bytes(sealing.public_key_pem(key.public_key()))
    creds = signing.new_credentials(terminal_id)
    _write_private(files.credentials, creds.to_json().encode())
    add_terminal(files.terminals, creds)
    if files.tls_cert is not None and files.tls_key is not None:
        self_signed_certificate(files.tls_cert, files.tls_key)
    return files
