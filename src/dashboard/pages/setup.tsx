import { useEffect, useMemo } from "react";
import { accountApi } from "../api/endpoints.js";
import type { SetupInfo } from "../api/types.js";
import { CodeBlock } from "../components/code-block.js";
import { CopyButton } from "../components/copy-button.js";
import {
  AllowedOrigins,
  useWidgetSettings,
  VerifiedCustomers,
} from "../components/embed-security.js";
import { Loaded } from "../components/states.js";
import { Tabs } from "../components/tabs.js";
import { UnmatchedAnswers } from "../components/unmatched-answers.js";
import { formatDateTime } from "../lib/format.js";
import { useAsync } from "../lib/use-async.js";
import { Link } from "../router.js";
import { accountPath, useSession } from "../session.js";
import "./setup.css";

const POLL_MS = 2500;

const SAMPLES = [
  {
    id: "node",
    title: "Node.js",
    code: `import { createHmac } from "node:crypto";

// The account's customer secret, kept on your server only.
const secret = process.env.CANCEL_INSIGHTS_CUSTOMER_SECRET;
const customerOidHash = createHmac("sha256", secret)
  .update(customer.stripeId) // the same value as customer_oid
  .digest("hex");`,
  },
  {
    id: "ruby",
    title: "Ruby",
    code: `require "openssl"

secret = ENV.fetch("CANCEL_INSIGHTS_CUSTOMER_SECRET")
customer_oid_hash = OpenSSL::HMAC.hexdigest("SHA256", secret, customer.stripe_id)`,
  },
  {
    id: "python",
    title: "Python",
    code: `import hashlib
import hmac
import os

secret = os.environ["CANCEL_INSIGHTS_CUSTOMER_SECRET"].encode()
customer_oid_hash = hmac.new(
    secret, customer.stripe_id.encode(), hashlib.sha256
).hexdigest()`,
  },
  {
    id: "php",
    title: "PHP",
    code: `<?php
$secret = getenv('CANCEL_INSIGHTS_CUSTOMER_SECRET');
$customerOidHash = hash_hmac('sha256', $customer->stripe_id, $secret);`,
  },
];

/** Install the widget: the snippet, the live install check, test mode and verified customers. */
export default function SetupPage() {
  const { account } = useSession();
  const client = useMemo(() => accountApi(account.id), [account.id]);
  const setup = useAsync(() => client.setup(), [client]);
  const verified = setup.data?.install_verified_at ?? null;

  useEffect(() => {
    document.title = `Setup · ${account.name} · Cancel Insights`;
  }, [account.name]);

  // Until the first live answer arrives, ask again every few seconds: the check turns green
  // by itself while the owner tries the cancel button on their own site.
  const { setData } = setup;
  useEffect(() => {
    if (verified || !setup.data) return;
    const timer = setInterval(() => {
      if (document.hidden) return;
      client.setup().then(
        (info) => setData(() => info),
        () => undefined,
      );
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [client, verified, setup.data, setData]);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Setup</h1>
          <p className="lead">
            Two minutes: paste the snippet, mark your cancel button, try it once.
          </p>
        </div>
      </div>
      <Loaded state={setup} label="Loading setup…">
        {(data) => <SetupBody info={data} accountId={account.id} />}
      </Loaded>
    </div>
  );
}

function SetupBody({ info, accountId }: { info: SetupInfo; accountId: string }) {
  const { account } = useSession();
  const client = useMemo(() => accountApi(accountId), [accountId]);
  const widget = useWidgetSettings(client);
  const owner = account.role === "owner";
  return (
    <>
      <InstallStatus info={info} accountId={accountId} />
      <UnmatchedAnswers client={client} accountId={accountId} />

      <section className="card" aria-labelledby="snippet-heading">
        <div className="card-head">
          <h2 id="snippet-heading">1. Paste the snippet</h2>
          {info.snippet && <CopyButton text={info.snippet} label="Copy snippet" />}
        </div>
        {info.access_token_id && info.snippet ? (
          <>
            <p>
              Put it before <code>&lt;/body&gt;</code> on the page with your cancel button, and fill
              in <code>customer_oid</code> with the customer's id at your billing provider (Stripe's{" "}
              <code>cus_…</code>), so each answer lands beside the revenue it cost.
            </p>
            <CodeBlock label="Embed snippet" code={info.snippet} />
            <p className="hint">
              Embed token <code>{info.access_token_id}</code>. Manage tokens in{" "}
              <Link to={accountPath(accountId, "settings")}>Settings</Link>.
            </p>
          </>
        ) : (
          <p>
            This account has no active embed token. Create one in{" "}
            <Link to={accountPath(accountId, "settings")}>Settings</Link>, then come back here.
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="trigger-heading">
        <h2 id="trigger-heading">2. Mark your cancel button</h2>
        <p>
          Give your cancel link, button or form the id <code>barecancel-trigger</code>. When a
          customer clicks it, the widget asks why first, stores the answer, then lets the cancel go
          on exactly as before. If our server is slow or down, the cancel goes on anyway.
        </p>
        <CodeBlock
          label="Trigger example"
          code={'<a id="barecancel-trigger" href="/account/cancel">Cancel my subscription</a>'}
        />
        <p className="hint">
          Several buttons, or one added later? Set <code>trigger: ".cancel-button"</code> in the
          params to use any CSS selector.
        </p>
      </section>

      <section className="card" aria-labelledby="test-heading">
        <h2 id="test-heading">3. Try it with test mode</h2>
        <p>
          Add <code>test_mode: true</code> to the params on your staging site. Test answers are
          stored and shown under Comments when you tick “Include test data”, but never count in your
          numbers.
        </p>
        <CodeBlock
          label="Test mode example"
          code={`window.barecancel.params = {
  access_token_id: "${info.access_token_id ?? "tok_…"}",
  customer_oid: "cus_test_123",
  test_mode: true
};`}
        />
        <p>
          The first <strong>live</strong> answer is the install check: it turns the status above
          green and is kept out of the numbers, so trying your setup with a real customer id does
          not muddy them.
        </p>
      </section>

      <section className="card" aria-labelledby="origins-heading">
        <h2 id="origins-heading">Sites allowed to embed it (optional)</h2>
        <p>
          Your token is public: anyone could paste your snippet on another site. List your sites'
          origins and the widget refuses to run anywhere else.
        </p>
        <AllowedOrigins shared={widget} owner={owner} />
      </section>

      <section className="card" aria-labelledby="verified-heading">
        <h2 id="verified-heading">Verified customers (optional)</h2>
        <p>
          Anyone can read the snippet in your page's source. To be sure an answer really comes from
          the customer it names, compute <code>customer_oid_hash</code> on your server, as the
          HMAC-SHA256 of <code>customer_oid</code> with your account's customer secret (hex), and
          put it in the params. Once verified customers is switched on for your account, answers
          without a matching hash are refused.
        </p>
        <VerifiedCustomers shared={widget} owner={owner} />
        <Tabs
          label="Code samples"
          tabs={SAMPLES.map((s) => ({
            id: s.id,
            title: s.title,
            body: <CodeBlock label={`${s.title} sample`} code={s.code} />,
          }))}
        />
        <CodeBlock
          label="Params with the hash"
          code={`window.barecancel.params = {
  access_token_id: "${info.access_token_id ?? "tok_…"}",
  customer_oid: "cus_123",
  customer_oid_hash: "<%= customer_oid_hash %>" // from your server
};`}
        />
        <p className="hint">Never put the secret itself in a page: only the hash.</p>
      </section>
    </>
  );
}

function InstallStatus({ info, accountId }: { info: SetupInfo; accountId: string }) {
  const verified = info.install_verified_at;
  const event = info.install_event;
  return (
    <section
      className={`card install ${verified ? "install-ok" : "install-waiting"}`}
      aria-labelledby="install-heading"
      data-testid="install-status"
    >
      <div role="status" aria-live="polite">
        <h2 id="install-heading">
          <span className="install-dot" aria-hidden="true" />
          {verified ? "Install verified" : "Waiting for the first answer…"}
        </h2>
        {verified ? (
          <p>
            The first live answer arrived {formatDateTime(verified)}
            {event ? (
              <>
                {" "}
                from customer <code>{event.customer_oid}</code>
                {event.reason ? <> (“{event.reason}”)</> : null}
              </>
            ) : null}
            . You're all set: answers now show up in{" "}
            <Link to={accountPath(accountId, "insights")}>Insights</Link>.
          </p>
        ) : (
          <p>
            Once the snippet is on your site, click your cancel button and answer. This turns green
            by itself, no need to reload.
          </p>
        )}
      </div>
    </section>
  );
}
