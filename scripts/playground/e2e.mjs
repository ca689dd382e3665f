#!/usr/bin/env node
// Offline end-to-end check of the GraphiQL playground served by
// shared/gqlserver/playground, in headless Chromium (Debian's `chromium`).
//
// It opens the playground URL, aborts (and records) every request that is not
// to the page's own origin, waits for GraphiQL's query editor, replaces the
// query, clicks the run button and checks that the response pane shows the
// expected JSON. It fails (exit 1) if the check fails, on any off-origin
// request attempt, on any Content-Security-Policy violation, on uncaught page
// errors and on console errors.
//
// Setup (once):  cd scripts/playground && npm ci && apt-get install -y chromium
// Usage:         node scripts/playground/e2e.mjs URL [options]
//
// Options:
//   --query Q            query to type (default: "{ hello }")
//   --expect JSON        expected response JSON (default: {"data":{"hello":"world"}})
//   --expect-header N:V  the GraphQL request must carry header N with value V
//                        (repeatable; checks Config.DefaultHeaders pre-fill)
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
    "usage: node e2e.mjs URL [--query Q] [--expect JSON] [--expect-header NAME:VALUE]... " +
      "[--screenshot FILE] [--chromium PATH] [--timeout MS]",
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    url: "",
    query: "{ hello }",
    expect: { data: { hello: "world" } },
    expectHeaders: [],
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
        break;
      case "--expect-header": {
        const v = val();
        const at = v.indexOf(":");
        if (at <= 0) usage(`--expect-header wants NAME:VALUE, got ${v}`);
        opts.expectHeaders.push([v.slice(0, at).trim().toLowerCase(), v.slice(at + 1).trim()]);
        break;
      }
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

const blocked = []; // off-origin request attempts
const problems = []; // console errors, page errors, CSP violations
const graphqlRequests = []; // non-introspection POSTs the page made
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
  log(`query set: ${opts.query}`);

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
    if (parsed !== undefined && isDeepStrictEqual(parsed, opts.expect)) break;
    if (Date.now() > deadline) {
      throw new Error(`response pane shows ${JSON.stringify(shown)}, want ${JSON.stringify(opts.expect)}`);
    }
    await page.waitForTimeout(100);
  }
  log(`response pane shows the expected JSON: ${JSON.stringify(JSON.parse(shown))}`);

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
