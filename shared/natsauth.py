"""NATS users and what each kind of hemiao process may do, and the nats-server configuration that says so.

One account, one NKey user per process kind (docs/operations.md, "NATS security" says why NKeys and why one
account). Each user's permissions are allow lists: anything not listed is refused by nats-server itself.

- `cases`, `activities`: publish their own events (`<ns>.events.<own>.>`), manage their own stream, serve their
  own endpoints (`<ns>.<own>.>`, `$SRV.>`) and answer the requests they get; consume the stream they follow
  with their own durable.
- `reporting`: consumes both streams with its durables (and the rebuild's passing consumers), serves
  `<ns>.reporting.>`; publishes no event.
- `gateway`: requests the three services, subscribes to the feeds (`<ns>.events.>`), keeps its export files in its
  own object store.
- `tool`: requests the three services (`hemiao import`, the demo loader).
- `integrator`: reads the two streams through durable consumers of its own name; publishes nothing else.

Every user subscribes to its own inbox only (`_INBOX.<its public key>.>`, see `shared.natsio.user_inbox`), so no
process reads the replies to another's requests.

`python -m shared.natsauth DIR` makes a seed per kind into DIR and writes the `authorization` block for
nats-server (it holds only public keys, no secret) and the same as Helm values.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from shared.config import jwt_secret_file, stream_name
from shared.natsio import nkey_public_key, user_inbox

SERVICES = ("cases", "activities", "reporting")
WRITE_SERVICES = ("cases", "activities")
FOLLOWS: Mapping[str, tuple[str, ...]] = {"cases": ("activities",), "activities": ("cases",),
                                          "reporting": ("cases", "activities")}
"""The streams each service consumes, with a durable named `<service>_<source>` (shared.consumer.consumer_name)."""
KINDS = ("cases", "activities", "reporting", "gateway", "tool", "integrator")
JS = "$JS.API"


@dataclass(frozen=True)
class Permissions:
    publish: tuple[str, ...]
    subscribe: tuple[str, ...]
    allow_responses: bool = False


@dataclass(frozen=True)
class NatsUser:
    """One process kind's NKey: the seed is the process's secret; the server knows only the public key."""

    kind: str
    seed: str
    permissions: Permissions = field(compare=False)

    @property
    def public_key(self) -> str:
        return nkey_public_key(self.seed)

    def env(self) -> dict[str, str]:
        """What the process's environment needs (shared.config.NatsSettings)."""
        return {"NATS_NKEY_SEED": self.seed}


def new_seed() -> str:
    """A fresh user NKey seed (`SU…`)."""
    import nkeys

    return bytes(nkeys.encode_seed(secrets.token_bytes(32), nkeys.PREFIX_BYTE_USER)).decode()


def _stream_reader(stream: str, durable: str) -> list[str]:
    """Create, read, fetch from and ack one durable consumer of the stream (and nothing else of it but its info)."""
    return [f"{JS}.STREAM.INFO.{stream}", f"{JS}.CONSUMER.INFO.{stream}.{durable}",
            f"{JS}.CONSUMER.CREATE.{stream}.{durable}", f"{JS}.CONSUMER.CREATE.{stream}.{durable}.>",
            f"{JS}.CONSUMER.DURABLE.CREATE.{stream}.{durable}", f"{JS}.CONSUMER.DELETE.{stream}.{durable}",
            f"{JS}.CONSUMER.MSG.NEXT.{stream}.{durable}", f"$JS.ACK.{stream}.{durable}.>"]


def _stream_owner(stream: str) -> list[str]:
    return [f"{JS}.STREAM.INFO.{stream}", f"{JS}.STREAM.CREATE.{stream}", f"{JS}.STREAM.UPDATE.{stream}",
            f"{JS}.STREAM.MSG.GET.{stream}", f"{JS}.DIRECT.GET.{stream}", f"{JS}.DIRECT.GET.{stream}.>"]


def _object_store(bucket: str) -> list[str]:
    """Everything on one object store (its stream `OBJ_<bucket>`): make it, put, get, delete, and the ordered
    consumers a get reads the chunks with."""
    stream = f"OBJ_{bucket}"
    return [f"$O.{bucket}.>", f"{JS}.STREAM.*.{stream}", f"{JS}.STREAM.MSG.*.{stream}",
            f"{JS}.DIRECT.GET.{stream}", f"{JS}.DIRECT.GET.{stream}.>", f"{JS}.CONSUMER.*.{stream}",
            f"{JS}.CONSUMER.*.{stream}.>", f"{JS}.CONSUMER.MSG.NEXT.{stream}.>", f"$JS.FC.{stream}.>",
            f"$JS.ACK.{stream}.>"]


def permissions(kind: str, inbox: str, namespace: str = "hemiao", *, durable: str | None = None) -> Permissions:
    """What a process of `kind` may publish and subscribe to; `inbox` is its inbox prefix (user_inbox), `durable`
    the integrator's consumer name (its kind by default)."""
    common = [f"{JS}.INFO", f"{JS}.STREAM.NAMES"]  # account info, and which stream holds a subject
    replies = f"{inbox}.>"
    if kind in WRITE_SERVICES:
        own = stream_name(namespace, kind)
        publish = [*common, f"{namespace}.events.{kind}.>", *_stream_owner(own)]
        for source in FOLLOWS[kind]:
            followed = stream_name(namespace, source)
            publish += [f"{JS}.STREAM.CREATE.{followed}", *_stream_reader(followed, f"{kind}_{source}")]
        return Permissions(publish=tuple(dict.fromkeys(publish)),
                           subscribe=(f"{namespace}.{kind}.>", "$SRV.>", replies), allow_responses=True)
    if kind == "reporting":
        publish = list(common)
        for source in FOLLOWS[kind]:
            followed = stream_name(namespace, source)
            publish += [f"{JS}.STREAM.CREATE.{followed}", *_stream_reader(followed, f"reporting_{source}"),
                        # a rebuild reads each stream again through a passing consumer of a name NATS gives
                        f"{JS}.CONSUMER.CREATE.{followed}", f"{JS}.CONSUMER.CREATE.{followed}.*.>",
                        f"{JS}.CONSUMER.INFO.{followed}.*", f"{JS}.CONSUMER.DELETE.{followed}.*",
                        f"{JS}.CONSUMER.MSG.NEXT.{followed}.*"]
        return Permissions(publish=tuple(dict.fromkeys(publish)),
                           subscribe=(f"{namespace}.reporting.>", "$SRV.>", replies), allow_responses=True)
    requests = [f"{namespace}.{service}.>" for service in SERVICES]
    if kind == "gateway":
        return Permissions(publish=(*common, *requests, *_object_store(f"{namespace}_exports".upper())),
                           subscribe=(f"{namespace}.events.>", replies))
    if kind == "tool":
        return Permissions(publish=(*common, *requests), subscribe=(replies,))
    if kind == "integrator":
        name = durable or kind
        publish = list(common)
        for source in WRITE_SERVICES:
            publish += _stream_reader(stream_name(namespace, source), name)
        return Permissions(publish=tuple(publish), subscribe=(replies,))
    raise ValueError(f"no such kind of NATS user: {kind} (one of {', '.join(KINDS)})")


def make_users(namespace: str = "hemiao", seeds: Mapping[str, str] | None = None,
               kinds: Iterable[str] = KINDS) -> dict[str, NatsUser]:
    """A user per kind, with the given seeds (new ones for the others)."""
    users = {}
    for kind in kinds:
        seed = (seeds or {}).get(kind) or new_seed()
        users[kind] = NatsUser(kind, seed, permissions(kind, user_inbox(nkey_public_key(seed)), namespace))
    return users


def _list(subjects: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{s}"' for s in subjects) + "]"


def authorization_block(users: Iterable[NatsUser]) -> str:
    """nats-server's `authorization { users = […] }` for these users: public keys and permissions only."""
    lines = ["authorization {", "  users = ["]
    for user in users:
        p = user.permissions
        lines += [f"    # {user.kind}",
                  f"    {{ nkey: {user.public_key}",
                  "      permissions: {",
                  f"        publish: {{ allow: {_list(p.publish)} }}",
                  f"        subscribe: {{ allow: {_list(p.subscribe)} }}",
                  *(["        allow_responses: true"] if p.allow_responses else []),
                  "      } }"]
    lines += ["  ]", "}", ""]
    return "\n".join(lines)


def helm_values(users: Iterable[NatsUser]) -> str:
    """The same users as values for the official NATS Helm chart (`config.merge`), JSON being YAML."""
    entries = []
    for user in users:
        p = user.permissions
        permissions: dict[str, object] = {"publish": {"allow": list(p.publish)},
                                          "subscribe": {"allow": list(p.subscribe)}}
        if p.allow_responses:
            permissions["allow_responses"] = True
        entries.append({"nkey": user.public_key, "permissions": permissions})
    values = {"config": {"merge": {"authorization": {"users": entries}}}}
    head = "# helm upgrade … -f deploy/k8s/nats-helm-values.yaml -f THIS-FILE (public keys only, no secret)\n"
    return head + json.dumps(values, indent=2) + "\n"


def seeds_env(users: Iterable[NatsUser]) -> str:
    """`<KIND>_NATS_NKEY_SEED=…` lines, for deploy/.env (compose) or the Kubernetes Secret."""
    return "".join(f"{user.kind.upper()}_NATS_NKEY_SEED={user.seed}\n" for user in users)


def read_seeds(folder: Path) -> dict[str, str]:
    """The seeds kept in `folder` (`<kind>.nk`)."""
    return {path.stem: path.read_text().strip() for path in folder.glob("*.nk")}


def ensure_users(folder: Path, namespace: str = "hemiao", kinds: Iterable[str] = KINDS) -> dict[str, NatsUser]:
    """The users whose seeds are kept in `folder`, making (once) the seeds that are missing, owner-readable only;
    writes beside them `auth.conf` (the authorization block), `helm-values.yaml` (the same for the Helm chart) and
    `seeds.env` (every seed as `<KIND>_NATS_NKEY_SEED=…`, owner-readable only)."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    users = make_users(namespace, read_seeds(folder), kinds)
    for kind, user in users.items():
        path = folder / f"{kind}.nk"
        if not path.exists():
            path.write_text(user.seed + "\n")
            path.chmod(0o600)
    (folder / "auth.conf").write_text(authorization_block(users.values()))
    (folder / "helm-values.yaml").write_text(helm_values(users.values()))
    env = folder / "seeds.env"
    env.touch(0o600)
    env.chmod(0o600)
    env.write_text(seeds_env(users.values()))
    return users


def development_auth_dir(var: Path) -> Path:
    """Where `make run` keeps its NATS users (var/nats-auth)."""
    return var / "nats-auth"


def development_env(kind: str = "tool") -> Mapping[str, str] | None:
    """For a tool run beside `make run`: the environment with the stack's `kind` credentials, when the
    environment names none of its own and `make run` made them (under HEMIAO_VAR_DIR, else the project's
    `var/`); None (the environment as it is) otherwise."""
    if any(os.environ.get(v) for v in ("NATS_NKEY_SEED", "NATS_NKEY_SEED_FILE", "NATS_USER", "NATS_CREDS")):
        return None
    seed = development_auth_dir(jwt_secret_file().parent) / f"{kind}.nk"
    if not seed.is_file():
        return None
    return {**os.environ, "NATS_NKEY_SEED": seed.read_text().strip()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.natsauth", description=(
        "Make (once) an NKey seed per hemiao process kind into FOLDER (<kind>.nk, the secrets: hand each process"
        " its own as NATS_NKEY_SEED or NATS_NKEY_SEED_FILE; seeds.env has them all as <KIND>_NATS_NKEY_SEED=…)"
        " and write FOLDER/auth.conf, the nats-server authorization block (public keys and permissions only;"
        " include it from nats.conf), and FOLDER/helm-values.yaml, the same for the NATS Helm chart. Run it again"
        " to add a kind or after changing the namespace: existing seeds are kept."))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--namespace", default=os.environ.get("HEMIAO_NAMESPACE") or "hemiao")
    args = parser.parse_args(argv)
    users = ensure_users(args.folder, args.namespace)
    for kind, user in users.items():
        print(f"{kind:<11} {user.public_key}  seed in {args.folder / (kind + '.nk')}")
    print(f"authorization block in {args.folder / 'auth.conf'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
