"""`python -m gateway.export_schema`: print the GraphQL schema (SDL) that `schema.graphql` must equal."""

from gateway.schema import schema

print(schema.as_str())
