"""The GraphQL breaking-change check: the code's schema against the one front ends were given, and the changelog."""

from gateway.schema_check.changelog import Changelog, ChangelogError, Entry, load_changelog
from gateway.schema_check.compare import Change, Verdict, compare, verdict

__all__ = ["Change", "Changelog", "ChangelogError", "Entry", "Verdict", "compare", "load_changelog", "verdict"]
