"""`python -m gateway.schema_check`: the code's GraphQL schema against `schema.baseline.graphql`; exit 1 on an
unlisted breaking change."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from gateway.schema_check.changelog import ChangelogError, load_changelog
from gateway.schema_check.compare import Verdict, compare, verdict
from gateway.schema_check.report import report

ROOT = Path(__file__).parents[2]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check and print its report; 0 passes, 1 fails (unlisted breaking change or unreadable changelog)."""
    parser = argparse.ArgumentParser(prog="python -m gateway.schema_check", description=__doc__)
    parser.add_argument("--baseline", type=Path, default=ROOT / "schema.baseline.graphql",
                        help="the schema front ends were given (default: schema.baseline.graphql)")
    parser.add_argument("--changelog", type=Path, default=ROOT / "schema-changes.yaml")
    parser.add_argument("--schema", type=Path, default=None,
                        help="SDL to check instead of the schema built from the code")
    args = parser.parse_args(argv)
    try:
        changelog = load_changelog(args.changelog)
    except ChangelogError as error:
        print(f"schema-changes.yaml 无法读取 / cannot be read: {error}", file=sys.stderr)
        return 1
    result: Verdict = verdict(compare(args.baseline.read_text(encoding="utf-8"), _new_schema(args.schema)), changelog)
    out, err = report(result, args.baseline.name, args.changelog.name)
    if out:
        print(out)
    if err:
        print(err, file=sys.stderr)
    return 0 if result.passes else 1


def _new_schema(path: Path | None) -> str:
    if path is not None:
        return path.read_text(encoding="utf-8")
    from gateway.schema import schema  # imported here: building the whole schema is only needed without --schema

    return schema.as_str()


if __name__ == "__main__":
    sys.exit(main())
