// Boot script for the offline GraphiQL playground page served by the Go
// package github.com/frontdesk/frontdesk/shared/gqlserver/playground.
//
// It lives in its own file (no inline script) so the page's
// Content-Security-Policy can keep script-src 'self'. Its settings come from
// <script type="application/json" id="playground-config">, written by the Go
// handler with html/template:
//
//   {"endpoint": "/graphql", "defaultQuery": "...", "defaultHeaders": "..."}
(function () {
  "use strict";

  var root = document.getElementById("graphiql");

  function fail(message) {
    root.textContent = message;
    root.className = "playground-status playground-error";
  }

  var config;
  try {
    config = JSON.parse(document.getElementById("playground-config").textContent);
  } catch (e) {
    fail("Playground configuration is missing or invalid.");
    return;
  }

  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    fail("GraphiQL failed to load.");
    return;
  }

  // The endpoint must stay on this page's origin: connect-src is 'self'.
  var url = new URL(config.endpoint || "/graphql", window.location.href);
  if (url.origin !== window.location.origin) {
    fail("The GraphQL endpoint must be on this origin.");
    return;
  }

  var fetcher = window.GraphiQL.createFetcher({
    url: url.href,
    fetch: function (input, init) {
      var opts = Object.assign({}, init, { credentials: "same-origin" });
      return window.fetch(input, opts);
    },
  });

  var props = {
    fetcher: fetcher,
    shouldPersistHeaders: false,
  };
  if (config.defaultQuery) {
    props.defaultQuery = config.defaultQuery;
  }
  if (config.defaultHeaders) {
    // Pre-fill the headers editor (e.g. an Authorization header from a login
    // helper) and open it so the user sees what will be sent.
    props.defaultHeaders = config.defaultHeaders;
    props.headers = config.defaultHeaders;
    props.defaultEditorToolsVisibility = "headers";
  }

  root.textContent = "";
  root.className = "";
  window.ReactDOM.createRoot(root).render(
    window.React.createElement(window.GraphiQL, props)
  );
})();
