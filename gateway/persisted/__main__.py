"""`python -m gateway.persisted a.graphql b.graphql > manifest.json`: the allow-list's manifest of these files."""

import json
import sys

from gateway.persisted.manifest import manifest_of

json.dump(manifest_of(sys.argv[1:]), sys.stdout, ensure_ascii=False, indent=2)
sys.stdout.write("\n")
