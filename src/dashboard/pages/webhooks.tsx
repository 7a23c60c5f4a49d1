import { type FormEvent, useEffect, useMemo, useState } from "react";
import { type AccountApi, accountApi } from "../api/endpoints.js";
import type { WebhookEndpoint, WebhookEventType, WebhookKind } from "../api/types.js";
import { DeliveryLog } from "../components/delivery-log.js";
import { EmptyState, Loaded } from "../components/states.js";
import { EventTypeChoices, WebhookEndpointCard } from "../components/webhook-endpoint.js";
import { useAction } from "../lib/use-action.js";
import { useAsync } from "../lib/use-async.js";
import { useSession } from "../session.js";
import "./webhooks.css";

/** Endpoints that hear about cancellations (signed webhooks, Slack), and what was sent. */
export default function WebhooksPage() {
  const { account } = useSession();
  const client = useMemo(() => accountApi(account.id), [account.id]);
  const owner = account.role === "owner";
  const list = useAsync(() => client.webhooks(), [client]);
  // Bumped after a test or an edit, so the log shows what it caused.
  const [logVersion, setLogVersion] = useState(0);

  useEffect(() => {
    document.title = `Webhooks · ${account.name} · Cancel Insights`;
  }, [account.name]);

  const replace = (endpoint: WebhookEndpoint) =>
    list.setData(
      (d) =>
        d && { ...d, endpoints: d.endpoints.map((e) => (e.id === endpoint.id ? endpoint : e)) },
    );
  const remove = (id: string) =>
    list.setData((d) => d && { ...d, endpoints: d.endpoints.filter((e) => e.id !== id) });

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Webhooks</h1>
          <p className="lead">
            Tell your own systems or a Slack channel about every cancellation, as it happens.
            {!owner && " You are a member of this account: only owners can change endpoints."}
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">Endpoints</h2>
        <p className="hint">
          A webhook receives a signed JSON POST (its payload is in the{" "}
          <a href="/docs/api">API reference</a> under Webhooks; <code>docs/webhooks.md</code> shows
          how to verify the signature); a Slack endpoint posts a message to a channel through an
          incoming webhook URL. Failed deliveries are retried with growing pauses for about a day.
        </p>
        <Loaded state={list}>
          {(data) =>
            data.endpoints.length === 0 ? (
              <EmptyState title="No endpoints yet">
                <p>Add one below: a URL of yours, or a Slack incoming webhook.</p>
              </EmptyState>
            ) : (
              <ul className="endpoints">
                {data.endpoints.map((endpoint) => (
                  <WebhookEndpointCard
                    key={endpoint.id}
                    endpoint={endpoint}
                    client={client}
                    owner={owner}
                    onChange={replace}
                    onRemove={() => remove(endpoint.id)}
                    onSent={() => setLogVersion((v) => v + 1)}
                  />
                ))}
              </ul>
            )
          }
        </Loaded>
        {owner && list.data && (
          <AddEndpoint
            client={client}
            onAdded={(endpoint) =>
              list.setData((d) => d && { ...d, endpoints: [...d.endpoints, endpoint] })
            }
          />
        )}
      </section>
      {list.data && (
        <DeliveryLog
          client={client}
          owner={owner}
          endpoints={list.data.endpoints}
          version={logVersion}
        />
      )}
    </div>
  );
}

function AddEndpoint({
  client,
  onAdded,
}: {
  client: AccountApi;
  onAdded(endpoint: WebhookEndpoint): void;
}) {
  const [url, setUrl] = useState("");
  const [kind, setKind] = useState<WebhookKind>("webhook");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<WebhookEventType[]>([
    "cancellation.created",
    "cancellation.updated",
    "retention.accepted",
    "retention.saved",
  ]);
  const [includeTest, setIncludeTest] = useState(false);
  const { run, busy, notice } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const { endpoint } = await client.addWebhook({
        url: url.trim(),
        kind,
        description: description.trim(),
        event_types: types,
        include_test: includeTest,
      });
      onAdded(endpoint);
      setUrl("");
      setDescription("");
    });
  };

  return (
    <form className="add-endpoint" onSubmit={submit} aria-labelledby="add-endpoint-heading">
      <h3 id="add-endpoint-heading">Add an endpoint</h3>
      {notice}
      <div className="form-grid">
        <div className="control control-grow">
          <label htmlFor="endpoint-url">URL</label>
          <input
            id="endpoint-url"
            type="url"
            required
            maxLength={2000}
            placeholder={
              kind === "slack" ? "https://hooks.slack.com/services/…" : "https://example.com/hooks"
            }
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        </div>
        <div className="control">
          <label htmlFor="endpoint-kind">Kind</label>
          <select
            id="endpoint-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as WebhookKind)}
          >
            <option value="webhook">Webhook (signed JSON)</option>
            <option value="slack">Slack incoming webhook</option>
          </select>
        </div>
        <div className="control control-grow">
          <label htmlFor="endpoint-description">Description (optional)</label>
          <input
            id="endpoint-description"
            maxLength={200}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
      </div>
      <EventTypeChoices
        legend="Send"
        selected={types}
        includeTest={includeTest}
        onChange={(next) => {
          setTypes(next.eventTypes);
          setIncludeTest(next.includeTest);
        }}
      />
      <button type="submit" className="button button-primary" disabled={busy || types.length === 0}>
        Add endpoint
      </button>
    </form>
  );
}
