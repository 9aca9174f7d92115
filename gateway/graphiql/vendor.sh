#!/usr/bin/env bash
# Development time only: fetches GraphiQL, React and the explorer plugin from the npm registry at the versions
# package-lock.json pins, and copies their browser builds and every licence into assets/. The gateway serves those
# committed files and fetches nothing at run time. `vendor.sh --update` re-resolves package.json (after a version
# change there) and rewrites package-lock.json first.
# graphql-ws is listed only for its licence: graphiql.min.js bundles graphql-ws 5 (its WebSocket client).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$work/"
if [[ "${1:-}" == "--update" ]]; then
  (cd "$work" && npm install --ignore-scripts --no-audit --no-fund --package-lock-only)
  cp "$work/package-lock.json" "$here/"
fi
cp "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund)

nm="$work/node_modules"
out="$here/assets"
rm -rf "$out" && mkdir -p "$out"
cp "$nm/react/umd/react.production.min.js" "$out/"
cp "$nm/react-dom/umd/react-dom.production.min.js" "$out/"
cp "$nm/graphiql/graphiql.min.js" "$nm/graphiql/graphiql.min.css" "$out/"
cp "$nm/@graphiql/plugin-explorer/dist/index.umd.js" "$out/plugin-explorer.umd.js"
cp "$nm/@graphiql/plugin-explorer/dist/style.css" "$out/plugin-explorer.css"
# sourceMappingURL comments point at maps we do not ship: a browser's devtools would ask for them
sed -i -E '/^\/[/*][#@] sourceMappingURL=/d' "$out"/*.js "$out"/*.css

# The licence of every package installed (the builds bundle many of them), in one file, and the served ones apart
node - "$work" "$out" <<'JS'
const fs = require("fs"), path = require("path");
const [work, out] = process.argv.slice(2);
const lock = JSON.parse(fs.readFileSync(path.join(work, "package-lock.json"), "utf8"));
const served = ["graphiql", "react", "react-dom", "@graphiql/plugin-explorer", "graphql-ws"];
const entries = Object.entries(lock.packages).filter(([p]) => p.startsWith("node_modules/"))
  .map(([p, info]) => ({dir: path.join(work, p), name: p.replace(/^.*node_modules\//, ""), version: info.version}))
  .sort((a, b) => (served.includes(b.name) - served.includes(a.name)) || a.name.localeCompare(b.name));
const licenceText = (dir) => {
  const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return file && fs.readFileSync(path.join(dir, file), "utf8").trim();
};
const parts = [], versions = [];
for (const {dir, name, version} of entries) {
  const spdx = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).license || "UNKNOWN";
  const text = licenceText(dir) || `(no licence file in the package; its package.json says ${spdx})`;
  parts.push(`${"=".repeat(78)}\n${name}@${version} (${spdx})\n${"=".repeat(78)}\n${text}\n`);
  if (served.includes(name)) {
    versions.push(`${name}@${version} ${spdx}`);
    if (licenceText(dir)) fs.writeFileSync(path.join(out, `LICENSE.${name.replace("/", "-")}.txt`), text + "\n");
  }
}
fs.writeFileSync(path.join(out, "THIRD_PARTY_LICENSES.txt"), parts.join("\n"));
fs.writeFileSync(path.join(out, "VERSIONS"), versions.join("\n") + "\n");
JS
echo "assets/ now holds:" && ls -la "$out"
