// Boot script for the offline GraphiQL playground page served by the Go
// package github.com/frontdesk/frontdesk/shared/gqlserver/playground.
//
// It lives in its own file (no inline script) so the page's
// Content-Security-Policy can keep script-src 'self'. Its settings come from
// <script type="application/json" id="playground-config">, written by the Go
// handler with html/template:
//
//   {"endpoint": "/graphql", "defaultQuery": "...", "defaultHeaders": "...",
//    "tokenPath": "/playground/token"}
//
// With a tokenPath (Config.Login), the page also holds the login bar
// (#playground-login, rendered by the template); see setUpLogin below.
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

  if (config.tokenPath) {
    setUpLogin(config.tokenPath);
  }

  // The demo login helper: "Sign in" asks the handler's token proxy
  // (tokenPath, same origin) for a token for the selected user and puts
  // "Authorization: Bearer <token>" into GraphiQL's headers editor, keeping
  // the other headers there; GraphiQL sends the editor's headers with every
  // request, and the user can see and edit them. "Sign out" removes the
  // header again. Whether the bar shows "Signed in" follows the editor: it
  // does while the editor (of the active tab) holds the token last obtained.
  function setUpLogin(tokenPath) {
    var bar = document.getElementById("playground-login");
    if (!bar) {
      return;
    }
    var select = document.getElementById("playground-login-user");
    var signInButton = document.getElementById("playground-login-signin");
    var signOutButton = document.getElementById("playground-login-signout");
    var outGroup = document.getElementById("playground-login-out");
    var inGroup = document.getElementById("playground-login-in");
    var who = document.getElementById("playground-login-who");
    var message = document.getElementById("playground-login-message");

    function show(text, isError) {
      message.textContent = text;
      message.className = "playground-login-message" + (isError ? " playground-error" : "");
    }

    var tokenURL = new URL(tokenPath, window.location.href);
    if (tokenURL.origin !== window.location.origin) {
      show("The login helper's token path must be on this origin.", true);
      return;
    }

    var session = null; // { label, authorization } of the last sign-in
    var signedIn = false;
    var busy = false;
    var watched = null; // the editor whose changes update signedIn

    function render() {
      outGroup.hidden = signedIn;
      inGroup.hidden = !signedIn;
      who.textContent = signedIn && session ? session.label : "";
      signInButton.disabled = busy || !headersEditor();
      signOutButton.disabled = busy;
      select.disabled = busy;
    }

    // GraphiQL's headers editor: the CodeMirror 5 instance in the second
    // .graphiql-editor of the editor tools (the variables editor comes
    // first). GraphiQL creates it asynchronously after the first render.
    function headersEditor() {
      var editors = root.querySelectorAll(".graphiql-editor-tool > .graphiql-editor");
      var el = editors.length === 2 ? editors[1].querySelector(".CodeMirror") : null;
      var cm = el && el.CodeMirror;
      if (cm && cm !== watched) {
        watched = cm;
        cm.on("change", function () {
          if (cm === watched) {
            follow(cm);
          }
        });
      }
      return cm || null;
    }

    // Shows the headers tab of GraphiQL's editor tools (opening them if
    // they are collapsed), so the user sees what will be sent.
    function showHeaders() {
      var tab = root.querySelector('.graphiql-editor-tools button[data-name="headers"]');
      if (tab) {
        tab.click();
      }
    }

    // readHeaders returns the editor's headers as an object: {} for an
    // empty editor; it throws if the text is not a JSON object.
    function readHeaders(cm) {
      var text = cm.getValue().trim();
      if (!text) {
        return {};
      }
      var headers = JSON.parse(text);
      if (!headers || typeof headers !== "object" || Array.isArray(headers)) {
        throw new Error("not a JSON object");
      }
      return headers;
    }

    function withoutAuthorization(headers) {
      var out = {};
      Object.keys(headers).forEach(function (k) {
        if (k.toLowerCase() !== "authorization") {
          out[k] = headers[k];
        }
      });
      return out;
    }

    function authorizationOf(headers) {
      var found = null;
      Object.keys(headers).forEach(function (k) {
        if (k.toLowerCase() === "authorization") {
          found = headers[k];
        }
      });
      return found;
    }

    function writeHeaders(cm, headers) {
      cm.setValue(Object.keys(headers).length ? JSON.stringify(headers, null, 2) : "");
    }

    // follow updates the signed-in state from the editor's text (after an
    // edit, a sign-in or out, or a tab switch). Text that is not (yet) a
    // JSON object leaves the state as it is.
    function follow(cm) {
      var headers;
      try {
        headers = readHeaders(cm);
      } catch (e) {
        return;
      }
      var now = !!session && authorizationOf(headers) === session.authorization;
      if (now !== signedIn) {
        signedIn = now;
        if (!now) {
          show("", false);
        }
        render();
      }
    }

    function signIn() {
      var cm = headersEditor();
      if (!cm) {
        show("GraphiQL is still loading; try again in a moment.", true);
        return;
      }
      try {
        readHeaders(cm);
      } catch (e) {
        showHeaders();
        show("The headers editor must hold a JSON object (or nothing) to sign in.", true);
        return;
      }
      var option = select.options[select.selectedIndex];
      if (!option) {
        return;
      }
      var label = option.textContent;
      busy = true;
      render();
      show("Signing in…", false);
      window
        .fetch(tokenURL.href, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ subject: option.value }),
        })
        .then(function (res) {
          return res
            .json()
            .catch(function () {
              return {};
            })
            .then(function (body) {
              if (!res.ok || !body || typeof body.access_token !== "string" || !body.access_token) {
                var reason = body && typeof body.error === "string" ? body.error : "HTTP " + res.status;
                throw new Error(reason);
              }
              return body;
            });
        })
        .then(function (body) {
          var editor = headersEditor();
          if (!editor) {
            throw new Error("GraphiQL's headers editor is gone");
          }
          var current;
          try {
            current = readHeaders(editor);
          } catch (e) {
            throw new Error("the headers editor no longer holds a JSON object");
          }
          var next = { Authorization: "Bearer " + body.access_token };
          var others = withoutAuthorization(current);
          Object.keys(others).forEach(function (k) {
            next[k] = others[k];
          });
          session = { label: label, authorization: next.Authorization };
          writeHeaders(editor, next); // its change event calls follow()
          follow(editor);
          showHeaders();
          var minutes = Math.round(Number(body.expires_in) / 60);
          show(minutes > 0 ? "Token valid for " + minutes + " min." : "", false);
        })
        .catch(function (e) {
          show("Sign-in failed: " + e.message, true);
        })
        .then(function () {
          busy = false;
          render();
        });
    }

    function signOut() {
      var cm = headersEditor();
      if (!cm) {
        return;
      }
      var headers;
      try {
        headers = readHeaders(cm);
      } catch (e) {
        showHeaders();
        show("The headers editor does not hold a JSON object: remove the Authorization header by hand.", true);
        return;
      }
      session = null;
      signedIn = false;
      writeHeaders(cm, withoutAuthorization(headers));
      render();
      show("Signed out.", false);
    }

    signInButton.addEventListener("click", signIn);
    signOutButton.addEventListener("click", signOut);

    // Enable "Sign in" once GraphiQL's headers editor exists.
    (function waitForEditor() {
      if (headersEditor()) {
        render();
        return;
      }
      window.setTimeout(waitForEditor, 100);
    })();
    render();
  }
})();
