"""NATS over TLS with client certificates (NATS_TLS_CA, NATS_TLS_CERT, NATS_TLS_KEY in shared.natsio.connect),
against a nats-server whose certificates come from a CA the test makes."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import nats
import nats.errors
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from nats.aio.msg import Msg

from shared.config import NatsSettings
from shared.devstack.embedded import EmbeddedNats, free_port
from shared.natsio import client_options, connect

pytestmark = pytest.mark.dateless


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def make_pki(folder: Path) -> dict[str, Path]:
    """A self-signed CA, and a server (127.0.0.1, localhost) and a client certificate signed by it, as PEM files."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("hemiao test CA")).issuer_name(_name("hemiao test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False),
                         critical=True)
          .sign(ca_key, hashes.SHA256()))
    paths = {"ca": folder / "ca.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for who, usage, names in (
            ("server", ExtendedKeyUsageOID.SERVER_AUTH,
             [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            ("client", ExtendedKeyUsageOID.CLIENT_AUTH, [x509.DNSName("hemiao-cases")])):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name(f"hemiao {who}")).issuer_name(ca.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
                .add_extension(x509.SubjectAlternativeName(names), critical=False)
                .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
                .sign(ca_key, hashes.SHA256()))
        paths[who] = folder / f"{who}.pem"
        paths[who].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        paths[f"{who}_key"] = folder / f"{who}-key.pem"
        _write_key(paths[f"{who}_key"], key)
    return paths


@pytest.fixture(scope="module")
def tls_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedNats, dict[str, Path]]]:
    """A nats-server that speaks only TLS and asks every client for a certificate of the same CA."""
    pki = make_pki(tmp_path_factory.mktemp("nats-tls"))
    server = EmbeddedNats(pki["ca"].parent / "nats", port=free_port(), config_text=f"""
tls {{
  cert_file: "{pki['server']}"
  key_file: "{pki['server_key']}"
  ca_file: "{pki['ca']}"
  verify: true
  timeout: 2
}}
""")
    server.start()
    try:
        yield server, pki
    finally:
        server.stop()


async def refused(url: str, env: dict[str, str]) -> str:
    """Why a client with these settings cannot connect (what it was told, or its own error)."""
    said: list[str] = []

    async def record(error: Exception) -> None:
        said.append(repr(error))

    nc = nats.aio.client.Client()
    try:
        await asyncio.wait_for(nc.connect(url, allow_reconnect=False, max_reconnect_attempts=0, connect_timeout=3,
                                          error_cb=record, **client_options(NatsSettings.from_env(env))), 10)
    except BaseException as error:  # what the failure is, is the point
        said.append(repr(error))
        if nc._transport is not None:  # close() would wait for a connection that never was
            nc._transport.close()
        return " ".join(said)
    await nc.close()
    raise AssertionError("connected")


async def test_tls_with_the_ca_and_a_client_certificate(tls_nats: tuple[EmbeddedNats, dict[str, Path]]) -> None:
    server, pki = tls_nats
    good = {"NATS_TLS_CA": str(pki["ca"]), "NATS_TLS_CERT": str(pki["client"]), "NATS_TLS_KEY": str(pki["client_key"])}

    nc = await connect(server.url, "hemiao-tls-test", env=good)
    try:
        async def echo(msg: Msg) -> None:
            await msg.respond(msg.data)

        subscription = await nc.subscribe("tls.echo", cb=echo)
        assert (await nc.request("tls.echo", b"hello", timeout=5)).data == b"hello"
        assert nc.connected_url is not None and nc._transport is not None
        writer = nc._transport._io_writer  # type: ignore[attr-defined]
        assert writer.get_extra_info("ssl_object") is not None  # on TLS, not in the clear
        await subscription.unsubscribe()
    finally:
        await nc.close()

    # Without the CA the server's certificate is not trusted (the system's CAs never signed it).
    without_ca = await refused(server.url, {k: v for k, v in good.items() if k != "NATS_TLS_CA"})
    assert "CERTIFICATE_VERIFY_FAILED" in without_ca, without_ca
    # With the CA but no certificate of its own, the server (verify: true) turns the client away.
    assert await refused(server.url, {"NATS_TLS_CA": str(pki["ca"])})
    # A certificate without its key is a setting error, said before connecting.
    with pytest.raises(ValueError, match="NATS_TLS_KEY"):
        NatsSettings.from_env({"NATS_TLS_CA": str(pki["ca"]), "NATS_TLS_CERT": str(pki["client"])})
