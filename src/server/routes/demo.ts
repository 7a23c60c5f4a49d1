import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { DemoCustomer } from "../../demo/demo-offers.js";
import { escapeHtml } from "../../escape-html.js";
import { jsString, renderSnippet } from "../../snippet.js";

export interface DemoOptions {
  /** The embed token the page uses; null shows how to get one instead. */
  accessTokenId: string | null;
  /**
   * The customer each load speaks for, eligible for the demo's offer (src/demo/demo-offers.ts);
   * absent or null: a made-up customer, who gets no offer.
   */
  customer?: () => Promise<DemoCustomer | null>;
}

/** Who the page's widget speaks for; without a hash, the customer is unverified. */
type Visitor = Omit<DemoCustomer, "customerOidHash"> & { customerOidHash: string | null };

const MADE_UP: Visitor = {
  customerOid: "cus_demo_123",
  subscriptionOid: "sub_demo_pro",
  customerOidHash: null,
};

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0f172a;background:#f1f5f9}
header{display:flex;align-items:center;gap:24px;padding:14px 24px;background:#0f172a;color:#e2e8f0}
header strong{color:#fff;font-size:17px}
header nav{display:flex;gap:16px;font-size:14px}
header nav span{opacity:.75}
main{max-width:760px;margin:32px auto;padding:0 20px}
h1{font-size:26px;margin:0 0 4px}
.lead{color:#475569;margin:0 0 24px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:14px;padding:22px 24px;margin-bottom:20px}
h2{font-size:17px;margin:0 0 12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 24px;margin:0}
dt{color:#64748b}dd{margin:0;font-weight:600}
.danger{border-color:#fecaca}
.ways{display:grid;gap:14px}
.way{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:12px;padding:14px 16px;border:1px solid #e2e8f0;border-radius:10px}
.way p{margin:0;color:#475569;font-size:14px;max-width:420px}
.way b{display:block;color:#0f172a}
.btn{display:inline-block;padding:9px 16px;border-radius:9px;border:1px solid #dc2626;background:#fff;color:#b91c1c;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.btn:hover{background:#fef2f2}
#status{margin:16px 0 0;padding:12px 14px;border-radius:10px;background:#ecfdf5;color:#065f46;font-weight:600}
#status:empty{display:none}
.note{font-size:13px;color:#64748b}
code{font-size:13px;background:#f1f5f9;padding:1px 5px;border-radius:5px}`;

function page(nonce: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Acme Analytics (demo)</title>
<style nonce="${nonce}">${STYLE}</style></head>
<body><header><strong>Acme Analytics</strong>
<nav aria-label="Main"><span>Dashboards</span><span>Reports</span><span>Settings</span></nav></header>
<main>${body}</main></body></html>`;
}

/** The snippet exactly as the setup page publishes it, plus the params this demo needs. */
function snippet(nonce: string, publicUrl: string, token: string, visitor: Visitor): string {
  return renderSnippet({
    publicUrl,
    accessTokenId: token,
    customerOid: visitor.customerOid,
    nonce,
    extraParams: [
      ...(visitor.customerOidHash
        ? [`customer_oid_hash: ${jsString(visitor.customerOidHash)}`]
        : []),
      `subscription_oids: [${jsString(visitor.subscriptionOid)}]`,
      // Test data unless the visitor ticks "live" (liveSwitch): a public page must not fill
      // the demo account's numbers by default.
      "test_mode: true",
      'trigger: ".cancel-trigger"',
      `// Sites without a cancel link or form cancel here; the demo just says so.
  callback_send: function (data) {
    document.getElementById("status").textContent =
      "Your subscription was cancelled (demo). Reason: " + (data.reason || "none given") + ".";
  }`,
    ],
  });
}

/** The page's own script: the "live" box switches the params the widget reads at each click. */
function liveSwitch(nonce: string): string {
  return `<script nonce="${nonce}">
document.getElementById("live").addEventListener("change", function (e) {
  window.barecancel.params.test_mode = !e.target.checked;
});
</script>`;
}

/** What the visitor can expect of the retention offer, said plainly: it's a demo. */
function offerNote(visitor: Visitor): string {
  if (!visitor.customerOidHash) {
    return `<p class="note">This customer is made up (no demo offers on this server, or every
demo customer has taken one), so the widget shows no retention offer.</p>`;
  }
  return `<p class="note">Choose "Too expensive" to see the demo account's retention offer.
Accepting it applies a 20% discount to this customer's subscription at a fake Stripe bundled
with this server (test mode: nothing is charged). A customer takes one offer, so each visit
to this page speaks for the next demo customer who has not taken it. The offer shows with
test data only.</p>`;
}

function settingsBody(
  nonce: string,
  publicUrl: string,
  token: string | null,
  visitor: Visitor,
): string {
  const intro = `<h1>Account settings</h1>
<p class="lead">A make-believe SaaS page with the Cancel Insights snippet on it. Every cancel
button below asks why first, stores the answer, then carries on as it would have.</p>
<section aria-labelledby="plan"><h2 id="plan">Your plan</h2><dl>
<dt>Plan</dt><dd>Pro, billed monthly</dd><dt>Price</dt><dd>$49 / month</dd>
<dt>Customer</dt><dd><code>${escapeHtml(visitor.customerOid)}</code></dd></dl></section>`;
  if (!token) {
    return `${intro}<section><h2>No demo account</h2>
<p>This server has no demo account, and this page writes only into one. Start the server
with <code>cancel-insights start --demo</code> (or run <code>cancel-insights demo</code>), then
reload this page.</p></section>`;
  }
  return `${intro}<section class="danger" aria-labelledby="cancel"><h2 id="cancel">Cancel subscription</h2>
<div class="ways">
<div class="way"><p><b>A link</b>Goes on to its page after the survey.</p>
<a class="btn cancel-trigger" href="/demo/cancelled?via=link">Cancel via link</a></div>
<form class="way cancel-trigger" action="/demo/cancelled" method="post">
<input type="hidden" name="via" value="form"><p><b>A form</b>Submits after the survey.</p>
<button class="btn" type="submit">Cancel via form</button></form>
<div class="way"><p><b>A button</b>No link, no form: the site cancels in <code>callback_send</code>.</p>
<button class="btn cancel-trigger" type="button">Cancel in this page</button></div>
</div>
<p id="status" role="status"></p>
<p class="note">Answers are stored in the demo account for customer <code>${escapeHtml(visitor.customerOid)}</code>,
as test data: the dashboard shows them with "Include test data", and keeps them out of the numbers.</p>
<label class="note"><input type="checkbox" id="live"> Store my answers as live data instead
(they then count in the demo account's numbers)</label>
${offerNote(visitor)}
</section>${snippet(nonce, publicUrl, token, visitor)}${liveSwitch(nonce)}`;
}

function securityHeaders(reply: FastifyReply, nonce: string): void {
  // Strict on purpose: the demo shows the widget needs neither inline styles nor eval.
  reply
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header(
      "content-security-policy",
      [
        "default-src 'none'",
        `script-src 'self' 'nonce-${nonce}'`,
        `style-src 'nonce-${nonce}'`,
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ].join("; "),
    );
}

/** `GET /demo`: a fake SaaS settings page wired to the widget, to try it end to end. */
export async function demoRoutes(app: FastifyInstance, options: DemoOptions) {
  if (!app.hasContentTypeParser("application/x-www-form-urlencoded")) {
    app.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
  }

  app.get("/demo", async (request, reply) => {
    const token = options.accessTokenId;
    const nonce = randomBytes(16).toString("base64");
    securityHeaders(reply, nonce);
    const publicUrl = `${request.protocol}://${request.host}`;
    const visitor = (token && (await options.customer?.())) || MADE_UP;
    return page(nonce, "Account settings", settingsBody(nonce, publicUrl, token, visitor));
  });

  const cancelled = async (request: FastifyRequest, reply: FastifyReply) => {
    const fields = { ...(request.query as object), ...(request.body as object | undefined) };
    const via = String((fields as { via?: unknown }).via ?? "unknown");
    const nonce = randomBytes(16).toString("base64");
    securityHeaders(reply, nonce);
    return page(
      nonce,
      "Cancelled",
      `<h1>Your subscription was cancelled (demo)</h1>
<p class="lead">Nothing was really cancelled: this is where the site's own cancel would happen.</p>
<section><dl><dt>Reached via</dt><dd id="via">${escapeHtml(via)}</dd>
<dt>Method</dt><dd>${escapeHtml(request.method)}</dd></dl>
<p><a href="/demo">Back to account settings</a></p></section>`,
    );
  };
  app.get("/demo/cancelled", cancelled);
  app.post("/demo/cancelled", cancelled);
}
