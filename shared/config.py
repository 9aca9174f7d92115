"""Settings from the environment, with the defaults `make run` uses."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

SERVICE_HTTP_PORTS = {"cases": 8101, "activities": 8102, "reporting": 8103}
PERSONAL_DATA_SERVICES = {"cases", "activities"}
"""The services that hold personal data, and so a data key."""


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


PROJECT_VAR_DIR = Path(__file__).resolve().parents[1] / "var"
"""The project's own `var/`, where `make run` (run from the project) keeps its state."""


def var_dir() -> Path:
    """Where local state lives (`./var` unless HEMIAO_VAR_DIR says otherwise)."""
    return Path(_env("HEMIAO_VAR_DIR", "var")).resolve()


def _secret(variable: str, filename: str, make: Callable[[], str]) -> str:
    """The variable's value, else one made once into ./var, readable by its owner only (for one machine)."""
    configured = os.environ.get(variable)
    if configured:
        return configured
    path = var_dir() / filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def development_secret() -> str:
    """The HS256 secret: HEMIAO_JWT_SECRET, else one generated once into ./var."""
    return _secret("HEMIAO_JWT_SECRET", "jwt-secret", lambda: secrets.token_urlsafe(48))


def jwt_secret_file() -> Path:
    """Where a tool looks for the stack's HS256 secret: HEMIAO_VAR_DIR's, else the project's `var/` (not the
    working directory's: a tool run elsewhere must find the secret the running services use)."""
    configured = os.environ.get("HEMIAO_VAR_DIR")
    return (Path(configured).resolve() if configured else PROJECT_VAR_DIR) / "jwt-secret"


def existing_development_secret() -> str | None:
    """The HS256 secret the services verify with, never making one: HEMIAO_JWT_SECRET, else the file
    `jwt_secret_file()` names; None when there is neither."""
    configured = os.environ.get("HEMIAO_JWT_SECRET")
    if configured:
        return configured
    path = jwt_secret_file()
    if not path.is_file():
        return None
    return path.read_text().strip() or None


def _key(variable: str, filename: str) -> bytes:
    """A 32-byte key: the variable (base64), else one made once in ./var."""
    key = base64.b64decode(_secret(variable, filename, lambda: base64.b64encode(secrets.token_bytes(32)).decode()))
    if len(key) != 32:
        raise ValueError(f"{variable} must be 32 bytes, base64-encoded")
    return key


def data_key() -> bytes:
    """The key that wraps every person's key: HEMIAO_DATA_KEY (base64, 32 bytes), else one made once in ./var."""
    return _key("HEMIAO_DATA_KEY", "data-key")


def export_key() -> bytes:
    """The key export download links are signed with: HEMIAO_EXPORT_KEY (base64, 32 bytes; the same on every
    gateway copy), else one made once in ./var."""
    return _key("HEMIAO_EXPORT_KEY", "export-key")


@dataclass(frozen=True, kw_only=True)
class AuthSettings:
    """How tokens are verified: an HS256 secret, or RS256 keys from the identity provider's JWKS."""

    secret: str | None
    jwks_url: str | None = None
    issuer: str = "hemiao"
    audience: str = "hemiao"

    @classmethod
    def from_env(cls) -> AuthSettings:
        jwks = os.environ.get("HEMIAO_JWT_JWKS_URL")
        return cls(secret=None if jwks else development_secret(), jwks_url=jwks,
                   issuer=_env("HEMIAO_JWT_ISSUER", "hemiao"), audience=_env("HEMIAO_JWT_AUDIENCE", "hemiao"))


@dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """One service's database, NATS, namespace and health port."""

    service: str
    database_url: str
    nats_url: str
    namespace: str
    http_host: str
    http_port: int
    auth: AuthSettings
    data_key: bytes | None = None

    @classmethod
    def from_env(cls, service: str) -> ServiceSettings:
        upper = service.upper()
        return cls(
            service=service,
            database_url=_env(f"{upper}_DATABASE_URL", f"postgresql://postgres@127.0.0.1:5432/hemiao_{service}"),
            nats_url=_env("NATS_URL", "nats://127.0.0.1:4222"),
            namespace=_env("HEMIAO_NAMESPACE", "hemiao"),
            http_host=_env("HEMIAO_HTTP_HOST", "127.0.0.1"),
            http_port=int(_env(f"{upper}_HTTP_PORT", str(SERVICE_HTTP_PORTS.get(service, 8100)))),
            auth=AuthSettings.from_env(),
            data_key=data_key() if service in PERSONAL_DATA_SERVICES else None,
        )


def stream_name(namespace: str, service: str) -> str:
    """The JetStream stream of a service's events, e.g. HEMIAO_CASES."""
    return f"{namespace}_{service}".upper().replace("-", "_")


@dataclass(frozen=True, kw_only=True)
class NatsSettings:
    """Who a process is to NATS, and how it checks the server: all unset is today's anonymous plain connection.

    `NATS_NKEY_SEED` (or `NATS_NKEY_SEED_FILE`, a file holding it) is the process's NKey seed, the way hemiao's
    own deployments authenticate (docs/operations.md, "NATS security"); `NATS_USER`/`NATS_PASSWORD` and
    `NATS_CREDS` (a JWT `.creds` file, for operator mode) serve a NATS set up otherwise. `NATS_TLS_CA` is the CA
    file the server's certificate is checked against; `NATS_TLS_CERT`/`NATS_TLS_KEY` the client's own, for a
    server that asks for one (`verify: true`)."""

    nkey_seed: str | None = None
    user: str | None = None
    password: str | None = None
    creds: str | None = None
    tls_ca: str | None = None
    tls_cert: str | None = None
    tls_key: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> NatsSettings:
        values = os.environ if env is None else env

        def get(name: str) -> str | None:
            return values.get(name) or None

        seed = get("NATS_NKEY_SEED")
        if seed is None and (seed_file := get("NATS_NKEY_SEED_FILE")):
            seed = Path(seed_file).read_text().strip()
        settings = cls(nkey_seed=seed, user=get("NATS_USER"), password=get("NATS_PASSWORD"), creds=get("NATS_CREDS"),
                       tls_ca=get("NATS_TLS_CA"), tls_cert=get("NATS_TLS_CERT"), tls_key=get("NATS_TLS_KEY"))
        if (settings.tls_cert is None) != (settings.tls_key is None):
            raise ValueError("NATS_TLS_CERT and NATS_TLS_KEY go together: set both or neither")
        return settings

    @property
    def uses_tls(self) -> bool:
        return any((self.tls_ca, self.tls_cert))
