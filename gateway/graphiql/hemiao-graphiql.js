// Starts GraphiQL on hemiao's gateway, from the page's own URL. GraphiQL's fetcher (its toolkit's
// createGraphiQLFetcher) sends the Headers pane with every HTTP request and, for a subscription, as the
// graphql-transport-ws connection_init payload of a new WebSocket: a browser cannot set headers on a WebSocket,
// so that payload is where the gateway reads the token ({"Authorization": "Bearer …"}).
(function () {
  "use strict";
  var url = window.location.origin + window.location.pathname;
  var subscriptionUrl = url.replace(/^http/, "ws");
  var defaultQuery = [
    "# 禾苗 hemiao · GraphiQL",
    "#",
    "# 把 make run 打印的一行令牌粘贴到下方的 Headers 面板，再运行（Ctrl-Enter）：",
    "# Paste one of the token lines `make run` printed into the Headers pane below, then run (Ctrl-Enter):",
    "#",
    "#   {\"Authorization\": \"Bearer eyJ…\"}",
    "#",
    "# 订阅（subscription）也用这个令牌 / Subscriptions use the same token.",
    "",
    "query {",
    "  me { name role }",
    "  stations { id name code communities }",
    "}",
    "",
  ].join("\n");

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: url, subscriptionUrl: subscriptionUrl }),
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
    }),
  );
})();
