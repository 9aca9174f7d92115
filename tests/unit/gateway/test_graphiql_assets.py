"""GraphiQL's vendored files: pinned exactly, what vendor.sh copied, each served one with its licence."""

from __future__ import annotations

import json
import re

import pytest

from gateway.graphiql.assets import HERE, OWN, VENDORED, assets
from gateway.graphiql.page import page_html

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

SERVED = {"graphiql": "graphiql.min.js", "react": "react.production.min.js",
          "react-dom": "react-dom.production.min.js", "@graphiql/plugin-explorer": "plugin-explorer.umd.js"}


def test_every_package_is_pinned_to_one_version_and_the_lock_and_versions_file_agree() -> None:
    wanted = json.loads((HERE / "package.json").read_text())["dependencies"]
    locked = json.loads((HERE / "package-lock.json").read_text())["packages"]
    listed = dict(line.split(" ")[0].rsplit("@", 1) for line in (VENDORED / "VERSIONS").read_text().splitlines())

    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in wanted.values()), wanted
    assert {name: locked[f"node_modules/{name}"]["version"] for name in wanted} == wanted
    assert listed == wanted
    assert all(locked[f"node_modules/{name}"]["integrity"].startswith("sha512-") for name in wanted)
    assert wanted["graphiql"].startswith("3."), "graphiql 3 is the last with a browser build that needs no bundler"


def test_each_served_package_has_its_licence_beside_it_and_every_installed_one_in_the_third_party_file() -> None:
    locked = json.loads((HERE / "package-lock.json").read_text())["packages"]
    notices = (VENDORED / "THIRD_PARTY_LICENSES.txt").read_text()

    for package, file in SERVED.items():
        assert (VENDORED / file).stat().st_size > 1000, file
        assert f"{package}@{locked[f'node_modules/{package}']['version']} (MIT)" in notices
    for package in ("graphiql", "react", "react-dom", "graphql-ws"):
        assert "Permission is hereby granted" in (VENDORED / f"LICENSE.{package}.txt").read_text()
    for path, info in locked.items():
        if path.startswith("node_modules/"):
            assert f"{path.rsplit('node_modules/', 1)[1]}@{info['version']} (" in notices, path


def test_the_page_links_every_script_and_stylesheet_the_route_serves_with_its_digest() -> None:
    html = page_html()
    served = assets()

    for name, asset in served.items():
        if name.endswith((".js", ".css")):
            assert f"graphiql/assets/{name}?v={asset.digest}" in html, name
    assert set(OWN) <= set(served)
    assert "{{" not in html
