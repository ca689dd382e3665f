#!/usr/bin/env node
// Offline end-to-end check of the GraphiQL playground served by
// shared/gqlserver/playground, in headless Chromium (Debian's `chromium`).
//
// It opens the playground URL, aborts (and records) every request that is not
// to the page's own origin, waits for GraphiQL's query editor, replaces the
// query, clicks the run button and checks that the response pane shows the
// expected JSON. With --login it first signs in with the page's demo login
// helper (playground Config.Login) and checks that the query carried the
// token, and signs out afterwards. It fails (exit 1) if the check fails, on any off-origin
// request attempt, on any Content-Security-Policy violation, on uncaught page
// errors and on console errors.
//
// Setup (once):  cd scripts/playground && npm ci && apt-get install -y chromium
// Usage:         node scripts/playground/e2e.mjs URL [options]
//
// Options:
//   --query Q            query to type (default: "{ hello }")
//   --expect JSON        expected response JSON (default: {"data":{"hello":"world"}})
//   --expect-contains S  the response pane must contain the text S and be a JSON
//                        response without "errors" (repeatable; replaces the
//                        default --expect unless --expect is given too)
//   --wait-schema        wait for GraphiQL's startup introspection query to
//                        return a schema before typing (fails if it does not)
//   --expect-header N:V  the GraphQL request must carry header N with value V
//                        (repeatable; checks Config.DefaultHeaders pre-fill)
//   --login SUBJECT      sign in as SUBJECT (a user the login helper offers,
//                        e.g. usr_0001) before running the query, check that
//                        the query was sent with "Authorization: Bearer …"
//                        from the helper, then sign out (default: $E2E_LOGIN)
//   --screenshot FILE    save a PNG of the page after the run
//   --chromium PATH      browser binary (default: $CHROMIUM or /usr/bin/chromium)
//   --timeout MS         per-step timeout (default: 30000)
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";

function usage(msg) {
  if (msg) console.error(`e2e: ${msg}`);
  console.error(
    "usage: node e2e.mjs URL [--query Q] [--expect JSON] [--expect-contains TEXT]... " +
      "[--wait-schema] [--expect-header NAME:VALUE]... [--login SUBJECT] [--screenshot FILE] [--chromium PATH] [--timeout MS]",
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    url: "",
    query: "{ hello }",
    expect: { data: { hello: "world" } },
    expectSet: false,
    expectContains: [],
    waitSchema: false,
    expectHeaders: [],
    login: process.env.E2E_LOGIN || "",
    screenshot: "",
    chromium: process.env.CHROMIUM || "/usr/bin/chromium",
    timeout: 30000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case "--query":
        opts.query = val();
        break;
      case "--expect":
        try {
          opts.expect = JSON.parse(val());
        } catch (e) {
          usage(`--expect is not JSON: ${e.message}`);
        }
        opts.expectSet = true;
        break;
      case "--expect-contains":
        opts.expectContains.push(val());
        break;
      case "--wait-schema":
        opts.waitSchema = true;
        break;
      case "--expect-header": {
        const v = val();
        const at = v.indexOf(":");
        if (at <= 0) usage(`--expect-header wants NAME:VALUE, got ${v}`);
        opts.expectHeaders.push([v.slice(0, at).trim().toLowerCase(), v.slice(at + 1).trim()]);
        break;
      }
      case "--login":
        opts.login = val();
        if (!opts.login) usage("--login needs a subject");
        break;
      case "--screenshot":
        opts.screenshot = val();
        break;
      case "--chromium":
        opts.chromium = val();
        break;
      case "--timeout":
        opts.timeout = Number(val());
        if (!(opts.timeout > 0)) usage("--timeout must be a positive number of milliseconds");
        break;
      case "-h":
      case "--help":
        usage();
        break;
      default:
        if (a.startsWith("--") || opts.url) usage(`unexpected argument ${a}`);
        opts.url = a;
    }
  }
  if (!opts.url) usage("missing URL");
  // --expect-contains alone checks only the texts (and the absence of errors).
  if (opts.expectContains.length && !opts.expectSet) opts.expect = undefined;
  try {
    const u = new URL(opts.url);
    if (u.protocol !== "http:" && u.protocol !== "https:") usage("URL must be http(s)");
  } catch {
    usage(`invalid URL ${opts.url}`);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const origin = new URL(opts.url).origin;

let tokenPath = ""; // the login helper's token proxy path, from the page's config
const blocked = []; // off-origin request attempts
const problems = []; // console errors, page errors, CSP violations
const graphqlRequests = []; // non-introspection POSTs the page made
const introspections = []; // GraphiQL's introspection answers: { status, types }
const tokenAnswers = []; // the login helper's token proxy answers: { url, status }
const log = (...a) => console.log("e2e:", ...a);

// Runs in the page (via CDP, so the page's CSP does not apply to it) before
// any page script: records CSP violations.
function recordCSPViolations() {
  window.__e2eCSP = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__e2eCSP.push(`${e.violatedDirective} blocked ${e.blockedURI || "(inline)"}`);
  });
}

const userDataDir = mkdtempSync(join(tmpdir(), "playground-e2e-"));
let context;
let failed = false;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: opts.chromium,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  context.setDefaultTimeout(opts.timeout);

  // Block everything that is not the page's own origin, and remember it.
  await context.route("**/*", (route) => {
    const req = route.request();
    let reqOrigin = "";
    try {
      reqOrigin = new URL(req.url()).origin;
    } catch {
      // unparsable URL: treat as off-origin
    }
    if (reqOrigin === origin) return route.continue();
    blocked.push(`${req.method()} ${req.url()}`);
    return route.abort("blockedbyclient");
  });
  await context.routeWebSocket(
    (u) => u.origin !== origin.replace(/^http/, "ws"),
    (ws) => {
      blocked.push(`WS ${ws.url()}`);
      return ws.close();
    },
  );
  await context.addInitScript(recordCSPViolations);

  const page = context.pages()[0] || (await context.newPage());
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (req) => {
    if (req.method() !== "POST") return;
    let body = {};
    try {
      body = JSON.parse(req.postData() || "{}");
    } catch {
      // not JSON
    }
    if (body.operationName === "IntrospectionQuery") return;
    graphqlRequests.push({ url: req.url(), body, headers: req.headers() });
  });
  page.on("response", async (res) => {
    const req = res.request();
    if (req.method() !== "POST") return;
    if (tokenPath && new URL(req.url()).pathname === tokenPath) {
      tokenAnswers.push({ url: req.url(), status: res.status() });
      return;
    }
    let body = {};
    try {
      body = JSON.parse(req.postData() || "{}");
    } catch {
      return;
    }
    if (body.operationName !== "IntrospectionQuery") return;
    let types = 0;
    try {
      const types_ = (await res.json())?.data?.__schema?.types;
      types = Array.isArray(types_) ? types_.length : 0;
    } catch {
      // not JSON, or the page is gone
    }
    introspections.push({ status: res.status(), types });
  });

  log(`loading ${opts.url}`);
  const resp = await page.goto(opts.url, { waitUntil: "load" });
  if (!resp || !resp.ok()) throw new Error(`page load failed: HTTP ${resp && resp.status()}`);
  const csp = resp.headers()["content-security-policy"] || "";
  if (!csp) throw new Error("page has no Content-Security-Policy header");
  log(`CSP: ${csp}`);

  // GraphiQL renders; its editors are CodeMirror 5 instances.
  const queryEditor = page.locator(".graphiql-query-editor .CodeMirror");
  await queryEditor.waitFor({ state: "visible" });
  log("GraphiQL query editor rendered");

  // GraphiQL introspects the endpoint once at startup; with --wait-schema the
  // schema must have arrived (so the editors know it) before the query is typed.
  if (opts.waitSchema) {
    const deadline = Date.now() + opts.timeout;
    let got;
    while (!(got = introspections.find((r) => r.status === 200 && r.types > 0))) {
      if (Date.now() > deadline) {
        throw new Error(`no schema from GraphiQL's introspection query (answers: ${JSON.stringify(introspections)})`);
      }
      await page.waitForTimeout(100);
    }
    log(`schema loaded by introspection (${got.types} types)`);
  }

  // Sign in with the login helper: pick the user, click "Sign in", wait for
  // "Signed in as …" and for the Authorization header in GraphiQL's headers
  // editor (the second editor of the editor tools, after the variables).
  let authorization = "";
  const headersEditorValue = () =>
    page.evaluate(() => {
      const editors = document.querySelectorAll(".graphiql-editor-tool > .graphiql-editor");
      const el = editors.length === 2 ? editors[1].querySelector(".CodeMirror") : null;
      return el && el.CodeMirror ? el.CodeMirror.getValue() : null;
    });
  const authorizationIn = (text) => {
    try {
      const h = JSON.parse(text || "{}");
      const k = Object.keys(h).find((n) => n.toLowerCase() === "authorization");
      return k ? h[k] : "";
    } catch {
      return "";
    }
  };
  if (opts.login) {
    tokenPath = await page.evaluate(() => {
      try {
        return JSON.parse(document.getElementById("playground-config").textContent).tokenPath || "";
      } catch {
        return "";
      }
    });
    if (!tokenPath || !(await page.locator("#playground-login").count())) {
      throw new Error("--login given, but the page has no login helper (is Config.Login set?)");
    }
    const offered = await page.locator("#playground-login-user option").evaluateAll((os) => os.map((o) => o.value));
    if (!offered.includes(opts.login)) {
      throw new Error(`--login ${opts.login}: the login helper offers only ${offered.join(", ")}`);
    }
    await page.selectOption("#playground-login-user", opts.login);
    const signIn = page.locator("#playground-login-signin");
    await page.waitForFunction(() => !document.getElementById("playground-login-signin").disabled, null, {
      polling: 50,
      timeout: opts.timeout,
    });
    await signIn.click();
    try {
      await page.locator("#playground-login-in").waitFor({ state: "visible" });
    } catch {
      const msg = await page.locator("#playground-login-message").textContent();
      throw new Error(`sign-in did not complete: ${msg || "(no message)"} (token answers: ${JSON.stringify(tokenAnswers)})`);
    }
    const who = (await page.locator("#playground-login-who").textContent()) || "";
    authorization = authorizationIn(await headersEditorValue());
    if (!/^Bearer \S+$/.test(authorization)) {
      throw new Error(`after sign-in the headers editor holds ${JSON.stringify(await headersEditorValue())}, want an Authorization: Bearer header`);
    }
    if (!tokenAnswers.some((a) => a.status === 200 && new URL(a.url).origin === origin)) {
      throw new Error(`no successful same-origin call of the token proxy (answers: ${JSON.stringify(tokenAnswers)})`);
    }
    log(`signed in as ${who} via ${tokenPath} (Authorization: Bearer …${authorization.slice(-8)})`);
  }

  // Type the query: select all, delete, insert the text (insertText avoids
  // CodeMirror's bracket auto-closing interfering with key-by-key typing).
  await queryEditor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.insertText(opts.query);
  const typed = await page.evaluate(
    () => document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.getValue(),
  );
  if (typed !== opts.query) throw new Error(`query editor holds ${JSON.stringify(typed)}, want ${JSON.stringify(opts.query)}`);
  // GraphiQL parses the query (and picks the operation name to send) in a
  // change handler debounced by 100 ms; clicking run before it has seen the
  // new text sends the previous document's operation name (e.g. "Orders" of
  // bff-web's default query), which the server rejects (422). Wait until the
  // editor's parsed document is the typed query.
  try {
    await page.waitForFunction(
      (q) => {
        const cm = document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror;
        return cm.documentAST?.loc?.source?.body === q;
      },
      opts.query,
      { polling: 50, timeout: opts.timeout },
    );
  } catch {
    throw new Error("GraphiQL did not parse the typed query (is it valid GraphQL?)");
  }
  const opName = await page.evaluate(
    () => document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.operationName,
  );
  log(`query set: ${opts.query}${opName ? ` (operation ${opName})` : ""}`);

  await page.locator("button.graphiql-execute-button").click();
  log("run button clicked");

  // Wait for the response pane to show the expected JSON.
  let shown = "";
  const deadline = Date.now() + opts.timeout;
  for (;;) {
    shown = await page.evaluate(() => {
      const cm = document.querySelector(".result-window .CodeMirror");
      return cm && cm.CodeMirror ? cm.CodeMirror.getValue() : "";
    });
    let parsed;
    try {
      parsed = JSON.parse(shown);
    } catch {
      parsed = undefined;
    }
    const ok =
      parsed !== undefined &&
      (opts.expect === undefined || isDeepStrictEqual(parsed, opts.expect)) &&
      (!opts.expectContains.length ||
        (parsed && typeof parsed === "object" && !("errors" in parsed) && opts.expectContains.every((t) => shown.includes(t))));
    if (ok) break;
    if (Date.now() > deadline) {
      const want = [
        opts.expect !== undefined ? JSON.stringify(opts.expect) : "",
        ...opts.expectContains.map((t) => `text ${JSON.stringify(t)} (no errors)`),
      ].filter(Boolean);
      throw new Error(`response pane shows ${JSON.stringify(shown)}, want ${want.join(" and ")}`);
    }
    await page.waitForTimeout(100);
  }
  log(`response pane shows the expected JSON: ${JSON.stringify(JSON.parse(shown))}`);
  for (const t of opts.expectContains) log(`response pane contains ${t}`);

  // The request GraphiQL sent.
  const sent = graphqlRequests.find((r) => r.body.query === opts.query);
  if (!sent) throw new Error("no GraphQL request with the typed query was seen");
  if (new URL(sent.url).origin !== origin) throw new Error(`query sent off-origin to ${sent.url}`);
  log(`query sent to ${sent.url}`);
  for (const [name, value] of opts.expectHeaders) {
    if (sent.headers[name] !== value) {
      throw new Error(`request header ${name} is ${JSON.stringify(sent.headers[name])}, want ${JSON.stringify(value)}`);
    }
    log(`request header ${name}: ${value}`);
  }
  if (opts.login) {
    if (sent.headers.authorization !== authorization) {
      throw new Error("the query was not sent with the login helper's Authorization header");
    }
    log("query sent with the login helper's Authorization header");
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot.replace(/(\.png)?$/, "-login.png") });
    await page.locator("#playground-login-signout").click();
    await page.locator("#playground-login-out").waitFor({ state: "visible" });
    const left = authorizationIn(await headersEditorValue());
    if (left) throw new Error(`after sign-out the headers editor still holds Authorization ${JSON.stringify(left)}`);
    log("signed out: Authorization header removed");
  }

  // Open and close the settings dialog: GraphiQL injects a <style> element
  // then, which must pass the CSP (nonce).
  const settings = page.locator('button[aria-label="Open settings dialog"]');
  if (await settings.count()) {
    await settings.click();
    await page.locator('[role="dialog"]').waitFor({ state: "visible" });
    log("settings dialog opened");
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot.replace(/(\.png)?$/, "-dialog.png") });
    await page.keyboard.press("Escape");
    await page.locator('[role="dialog"]').waitFor({ state: "detached" });
  }

  for (const v of await page.evaluate(() => window.__e2eCSP || [])) problems.push(`CSP violation: ${v}`);
  if (opts.screenshot) {
    await page.screenshot({ path: opts.screenshot });
    log(`screenshot saved to ${opts.screenshot}`);
  }
} catch (e) {
  failed = true;
  console.error(`e2e: FAIL: ${e.message}`);
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}

for (const b of blocked) console.error(`e2e: blocked off-origin request: ${b}`);
for (const p of problems) console.error(`e2e: ${p}`);
if (failed || blocked.length || problems.length) {
  console.error(
    `e2e: FAIL (${blocked.length} off-origin request(s), ${problems.length} page problem(s)${failed ? ", check failed" : ""})`,
  );
  process.exit(1);
}
console.log("e2e: PASS (0 off-origin requests, 0 page problems)");
