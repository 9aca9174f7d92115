"""Relay's Global Object Identification: global ids that name their type, and node(id:)/nodes(ids:)."""
