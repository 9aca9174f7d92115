"""GraphiQL served whole by the gateway: its page at GET /graphql and its vendored assets under /graphiql/assets/."""

from gateway.graphiql.assets import ASSETS_ROUTE, serve_asset
from gateway.graphiql.page import graphiql_page

__all__ = ["ASSETS_ROUTE", "graphiql_page", "serve_asset"]
