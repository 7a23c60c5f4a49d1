import { type FormEvent, useEffect, useState } from "react";
import { formatDuration } from "../../../contract/duration.js";
import type { AccountApi } from "../../api/endpoints.js";
import type { Backfill, BillingConnection, BillingProviderInfo } from "../../api/types.js";
import { ConfirmButton } from "../../components/confirm-button.js";
import { CopyButton } from "../../components/copy-button.js";
import { Field } from "../../components/field.js";
import { Loaded } from "../../components/states.js";
import { phaseLabel, problemInWords } from "../../lib/billing-words.js";
import { type FormErrors, formErrors, NO_ERRORS } from "../../lib/form-errors.js";
import { formatCount, formatDateTime } from "../../lib/format.js";
import { useAction } from "../../lib/use-action.js";
import { useAsync } from "../../lib/use-async.js";
import { type AccountSectionProps, Section } from "./section.js";
import "./billing.css";

/** How often the page asks while a backfill runs or waits for the worker. */
const POLL_MS = 1000;

/** A connection whose backfill is queued or running: its numbers are about to change. */
function syncing(connection: BillingConnection, requested: Map<string, string | null>): boolean {
  if (connection.status !== "active") return false;
  const run = connection.backfill;
  if (run?.state === "running" || run === null) return true;
  // "Sync now" was pressed: waiting until the worker starts a new run.
  return requested.has(connection.id) && requested.get(connection.id) === run.run_id;
}

/**
 * A provider's words for a connection; one no longer registered (its code removed) keeps its
 * name and no instructions.
 */
function providerOf(providers: BillingProviderInfo[], name: string): BillingProviderInfo {
  return (
    providers.find((p) => p.name === name) ?? {
      name,
      label: name,
      key_help: "",
      webhook_help: "",
      key_example: "",
      webhook_secret_example: "",
      read_permissions: [],
      webhook_events: [],
    }
  );
}

/** Billing connections: connect with a restricted key, webhooks, sync and its progress. */
export function Billing({ client, owner }: AccountSectionProps) {
  const list = useAsync(() => client.billing(), [client]);
  // Connection id → the run shown when Sync now was pressed.
  const [requested, setRequested] = useState(new Map<string, string | null>());
  const { reload } = list;
  const polling = list.data?.connections.some((c) => syncing(c, requested)) ?? false;

  useEffect(() => {
    if (!polling || list.loading) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [polling, list.loading, reload]);

  const active = list.data?.connections.filter((c) => c.status === "active") ?? [];
  const history = list.data?.connections.filter((c) => c.status !== "active") ?? [];
  return (
    <Section
      id="billing-heading"
      title="Billing"
      intro="Connect your billing provider to see the revenue behind each answer, and every cancellation whatever the way: the customer portal, your staff, your backend, failed payments."
    >
      <Loaded state={list} label="Loading billing connections…">
        {(data) => (
          <>
            {active.length === 0 && <p>No billing provider connected.</p>}
            {active.map((connection) => (
              <ConnectionCard
                key={connection.id}
                connection={connection}
                provider={providerOf(data.providers, connection.provider)}
                client={client}
                owner={owner}
                onChange={reload}
                onSync={(runId) => {
                  setRequested((m) => new Map(m).set(connection.id, runId));
                  reload();
                }}
              />
            ))}
            {owner &&
              data.providers.map((provider) => (
                <ConnectForm
                  key={provider.name}
                  client={client}
                  provider={provider}
                  connectedModes={active
                    .filter((c) => c.provider === provider.name)
                    .map((c) => c.mode)}
                  onConnected={reload}
                />
              ))}
            {history.length > 0 && (
              <details className="billing-history">
                <summary>Disconnected ({history.length})</summary>
                <ul>
                  {history.map((c) => (
                    <li key={c.id}>
                      {providerOf(data.providers, c.provider).label}, {c.mode} mode, key{" "}
                      <span className="mono">{c.api_key_hint}</span>: disconnected{" "}
                      {c.disconnected_at ? formatDateTime(c.disconnected_at) : ""}. Its customers,
                      subscriptions and cancellations stay as history.
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </>
        )}
      </Loaded>
    </Section>
  );
}

function ConnectionCard({
  connection,
  provider,
  client,
  owner,
  onChange,
  onSync,
}: {
  connection: BillingConnection;
  provider: BillingProviderInfo;
  client: AccountApi;
  owner: boolean;
  onChange(): void;
  onSync(previousRunId: string | null): void;
}) {
  const { run, busy, notice } = useAction();
  const headingId = `billing-${connection.id}`;
  const test = connection.mode === "test";
  return (
    <article className="billing-connection" aria-labelledby={headingId}>
      <div className="billing-connection-head">
        <h3 id={headingId}>
          {provider.label}
          <span className={`badge ${test ? "badge-warn" : "badge-good"}`}>
            {test ? "Test mode" : "Live mode"}
          </span>
        </h3>
        <span className="hint">
          Key <span className="mono">{connection.api_key_hint}</span>
          {connection.provider_account_id && (
            <>
              {" "}
              · account <span className="mono">{connection.provider_account_id}</span>
            </>
          )}{" "}
          · connected {formatDateTime(connection.created_at)}
        </span>
      </div>
      {test && (
        <p className="hint">
          Test data is kept out of your live numbers: it shows on Insights only with “Include test
          data”.
        </p>
      )}
      {notice}
      {connection.last_error && (
        <p className="notice notice-error">
          {problemInWords(connection.last_error)} ({formatDateTime(connection.last_error.at)})
        </p>
      )}
      <BackfillStatus backfill={connection.backfill} />
      {owner && (
        <div className="actions">
          <button
            type="button"
            className="button button-small"
            disabled={busy || connection.backfill?.state === "running"}
            onClick={() =>
              void run(async () => {
                const previous = connection.backfill?.run_id ?? null;
                await client.startBackfill(connection.id);
                onSync(previous);
              })
            }
          >
            Sync now
          </button>
          <ConfirmButton
            label="Disconnect"
            confirmLabel="Really disconnect?"
            srLabel={`${provider.label} ${connection.mode} mode`}
            onConfirm={() =>
              void run(async () => {
                await client.disconnectBilling(connection.id);
                onChange();
              })
            }
          />
        </div>
      )}
      <Webhook connection={connection} provider={provider} client={client} owner={owner} />
    </article>
  );
}

/** `50% done, about 3 min left`: an estimate, Stripe giving no totals. */
function estimateInWords(backfill: Backfill): string {
  const done = `${Math.floor(backfill.fraction * 100)}% done`;
  return backfill.eta_seconds === null
    ? done
    : `${done}, about ${formatDuration(backfill.eta_seconds, "long")} left`;
}

/** The latest backfill in words, live while it runs. */
function BackfillStatus({ backfill }: { backfill: Backfill | null }) {
  let text: string;
  if (!backfill) text = "The first sync is queued: it starts as soon as the worker picks it up.";
  else {
    const counts = `${formatCount(backfill.customers)} customers, ${formatCount(backfill.subscriptions)} subscriptions`;
    if (backfill.state === "running") {
      const reached = backfill.reached_created
        ? ` Back to ${formatDateTime(backfill.reached_created)} so far (newest first).`
        : "";
      text = `${phaseLabel(backfill.phase)}: ${counts}, ${formatCount(backfill.per_second)}/s, ${estimateInWords(backfill)}.${reached}`;
    } else if (backfill.state === "succeeded") {
      text = `Synced ${counts}${backfill.finished_at ? ` on ${formatDateTime(backfill.finished_at)}` : ""}.`;
    } else if (backfill.state === "canceled") {
      text = `The last sync was stopped after ${counts}.`;
    } else {
      text = `The last sync failed after ${counts}: ${backfill.error ? problemInWords(backfill.error) : "see the server's log."}`;
    }
  }
  const running = backfill?.state === "running";
  return (
    <div className="backfill">
      <p role="status" data-testid="backfill-status" data-state={backfill?.state ?? "queued"}>
        {text}
      </p>
      {running && <progress aria-label="Sync progress" value={backfill.fraction} />}
      {!backfill && <progress aria-label="Sync progress" />}
    </div>
  );
}

function Webhook({
  connection,
  provider,
  client,
  owner,
}: {
  connection: BillingConnection;
  provider: BillingProviderInfo;
  client: AccountApi;
  owner: boolean;
}) {
  const [secret, setSecret] = useState("");
  const [has, setHas] = useState(connection.has_webhook_secret);
  const { run, busy, notice } = useAction();
  useEffect(() => setHas(connection.has_webhook_secret), [connection.has_webhook_secret]);
  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const { connection: saved } = await client.setBillingWebhookSecret(
        connection.id,
        secret.trim(),
      );
      setHas(saved.has_webhook_secret);
      setSecret("");
    });
  };
  return (
    <details className="billing-webhook" open={!has}>
      <summary>
        Webhooks:{" "}
        {has ? "signing secret set" : "not set up yet (changes arrive with the catch-up only)"}
      </summary>
      <p>
        In {provider.webhook_help}, send events to this URL, then paste the endpoint's signing
        secret here:
      </p>
      <div className="secret-row">
        <code className="mono billing-url">{connection.webhook_url}</code>
        <CopyButton text={connection.webhook_url} label="Copy URL" />
      </div>
      <p>Select these events:</p>
      <ul className="billing-events">
        {provider.webhook_events.map((e) => (
          <li key={e}>
            <code>{e}</code>
          </li>
        ))}
      </ul>
      {notice}
      {owner && (
        <form className="inline-form" onSubmit={save}>
          <Field
            label={has ? "Replace the signing secret" : "Signing secret"}
            placeholder={provider.webhook_secret_example}
            type="password"
            autoComplete="off"
            value={secret}
            required
            onChange={(e) => setSecret(e.target.value)}
          />
          <button type="submit" className="button" disabled={busy}>
            Save secret
          </button>
        </form>
      )}
    </details>
  );
}

function ConnectForm({
  client,
  provider,
  connectedModes,
  onConnected,
}: {
  client: AccountApi;
  provider: BillingProviderInfo;
  connectedModes: string[];
  onConnected(): void;
}) {
  const [apiKey, setApiKey] = useState("");
  const [webhookSecret, setWebhookSecret] = useState("");
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  if (connectedModes.includes("live") && connectedModes.includes("test")) return null;
  const headingId = `connect-${provider.name}-heading`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      await client.connectBilling({
        provider: provider.name,
        api_key: apiKey.trim(),
        webhook_secret: webhookSecret.trim() || null,
      });
      setApiKey("");
      setWebhookSecret("");
      onConnected();
    } catch (error) {
      setErrors(formErrors(error, ["api_key", "webhook_secret"]));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="billing-connect" onSubmit={submit} aria-labelledby={headingId}>
      <h3 id={headingId}>Connect {provider.label}</h3>
      <p className="hint">Create a restricted key in {provider.key_help} with read access to:</p>
      <ul className="billing-permissions">
        {provider.read_permissions.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <p className="hint">
        A live key syncs live data; a test key syncs test data, which stays out of your live
        numbers. The key is stored encrypted and never shown again.
      </p>
      {errors.form && (
        <p className="notice notice-error" role="alert">
          {errors.form}
        </p>
      )}
      <Field
        label="Restricted API key"
        placeholder={provider.key_example}
        type="password"
        autoComplete="off"
        required
        value={apiKey}
        error={errors.fields.api_key}
        onChange={(e) => setApiKey(e.target.value)}
      />
      <Field
        label="Webhook signing secret (optional)"
        hint={`You can add it after connecting, once the endpoint exists in ${provider.label}.`}
        placeholder={provider.webhook_secret_example}
        type="password"
        autoComplete="off"
        value={webhookSecret}
        error={errors.fields.webhook_secret}
        onChange={(e) => setWebhookSecret(e.target.value)}
      />
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? "Checking the key…" : `Connect ${provider.label}`}
      </button>
    </form>
  );
}
