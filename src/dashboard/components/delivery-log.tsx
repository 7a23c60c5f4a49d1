import { useEffect, useState } from "react";
import type { AccountApi } from "../api/endpoints.js";
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from "../api/types.js";
import { formatDateTime } from "../lib/format.js";
import { useAction } from "../lib/use-action.js";
import { useAsync } from "../lib/use-async.js";
import { Link } from "../router.js";
import { customerPath, useSession } from "../session.js";
import { DataTable } from "./data-table.js";
import { Loaded } from "./states.js";
import "./delivery-log.css";

/** While something is on its way, the log looks again this often. */
const REFRESH_MS = 2000;

function answerOf(attempt: Pick<WebhookAttempt, "status_code" | "error">): string {
  if (attempt.error)
    return attempt.status_code ? `${attempt.status_code}: ${attempt.error}` : attempt.error;
  return attempt.status_code === null ? "no answer" : `HTTP ${attempt.status_code}`;
}

function StatusBadge({ delivery }: { delivery: WebhookDelivery }) {
  if (delivery.status === "delivered") return <span className="badge badge-good">delivered</span>;
  if (delivery.status === "failed") return <span className="badge badge-bad">failed</span>;
  return (
    <span className="badge badge-warn">{delivery.attempts === 0 ? "queued" : "retrying"}</span>
  );
}

function Attempts({ delivery }: { delivery: WebhookDelivery }) {
  const log = delivery.attempt_log;
  if (log.length === 0) return <span className="hint">none yet</span>;
  return (
    <details className="attempts">
      <summary className="attempts-toggle">
        {log.length === 1 ? "1 attempt" : `${log.length} attempts`}
        <span className="visually-hidden"> of delivery {delivery.id}</span>
      </summary>
      <ol>
        {log.map((attempt) => (
          <li key={attempt.attempted_at}>
            <time dateTime={attempt.attempted_at}>{formatDateTime(attempt.attempted_at)}</time>
            {" · "}
            {answerOf(attempt)} · {attempt.duration_ms} ms
            {attempt.response_body && (
              <code className="attempt-body">{attempt.response_body.slice(0, 300)}</code>
            )}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** Every delivery, newest first: what was sent where, each attempt, and a way to send again. */
export function DeliveryLog({
  client,
  owner,
  endpoints,
  version,
}: {
  client: AccountApi;
  owner: boolean;
  endpoints: WebhookEndpoint[];
  /** Changes when something new was queued elsewhere on the page. */
  version: number;
}) {
  const { account } = useSession();
  const [endpointId, setEndpointId] = useState("");
  const [older, setOlder] = useState<WebhookDelivery[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const { run, busy, notice } = useAction();
  const first = useAsync(
    () => client.deliveries({ endpointId: endpointId || undefined }),
    [client, endpointId, version],
  );
  const { reload } = first;

  useEffect(() => {
    setOlder([]);
    setNext(first.data?.next_before ?? null);
  }, [first.data?.next_before]);

  const newest = first.data?.deliveries ?? [];
  const shownIds = new Set(newest.map((d) => d.id));
  const rows = [...newest, ...older.filter((d) => !shownIds.has(d.id))];
  const inFlight = rows.some((d) => d.status === "pending");

  useEffect(() => {
    if (!inFlight) return;
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [inFlight, reload]);

  const names = new Map(endpoints.map((e) => [e.id, e.description || e.url]));

  return (
    <section className="card" aria-labelledby="deliveries-heading">
      <div className="card-head">
        <h2 id="deliveries-heading">Delivery log</h2>
        <div className="form-grid">
          <div className="control">
            <label htmlFor="delivery-endpoint">Endpoint</label>
            <select
              id="delivery-endpoint"
              value={endpointId}
              onChange={(e) => setEndpointId(e.target.value)}
            >
              <option value="">All endpoints</option>
              {endpoints.map((e) => (
                <option key={e.id} value={e.id}>
                  {names.get(e.id)}
                </option>
              ))}
            </select>
          </div>
          <button type="button" className="button" onClick={reload}>
            Refresh
          </button>
        </div>
      </div>
      {notice}
      <Loaded state={first} retry={reload}>
        {() =>
          rows.length === 0 ? (
            <p>Nothing sent yet. Deliveries show up here as cancellations come in.</p>
          ) : (
            <DataTable
              className="deliveries"
              columns={["When", "Event", "Customer", "Endpoint", "Status", "Attempts"]}
              actions={owner}
            >
              {rows.map((delivery) => (
                <tr key={delivery.id} data-delivery={delivery.id}>
                  <td>
                    <time dateTime={delivery.created_at}>
                      {formatDateTime(delivery.created_at)}
                    </time>
                  </td>
                  <td>
                    <code>{delivery.event_type}</code>
                  </td>
                  <td>
                    {delivery.customer_oid ? (
                      <Link to={customerPath(account.id, delivery.customer_oid)}>
                        {delivery.customer_oid}
                      </Link>
                    ) : (
                      "–"
                    )}
                  </td>
                  <td className="delivery-endpoint">{names.get(delivery.endpoint_id)}</td>
                  <td>
                    <StatusBadge delivery={delivery} />
                    {delivery.attempts > 0 && delivery.status !== "delivered" && (
                      <span className="delivery-detail">
                        {answerOf({
                          status_code: delivery.last_status_code,
                          error: delivery.last_error,
                        })}
                        {delivery.status === "pending" && delivery.next_attempt_at && (
                          <> · next {formatDateTime(delivery.next_attempt_at)}</>
                        )}
                      </span>
                    )}
                  </td>
                  <td>
                    <Attempts delivery={delivery} />
                  </td>
                  {owner && (
                    <td className="actions">
                      <button
                        type="button"
                        className="button button-small"
                        disabled={busy}
                        onClick={() =>
                          void run(async () => {
                            await client.redeliver(delivery.id);
                            reload();
                          })
                        }
                      >
                        Redeliver<span className="visually-hidden"> {delivery.id}</span>
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </DataTable>
          )
        }
      </Loaded>
      {next && (
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const page = await client.deliveries({
                endpointId: endpointId || undefined,
                before: next,
              });
              setOlder((list) => [...list, ...page.deliveries]);
              setNext(page.next_before);
            })
          }
        >
          Show older deliveries
        </button>
      )}
    </section>
  );
}
