import { useId, useState } from "react";
import type { AccountApi } from "../api/endpoints.js";
import type { WebhookEndpoint, WebhookEventType } from "../api/types.js";
import { formatDateTime } from "../lib/format.js";
import { useAction } from "../lib/use-action.js";
import { ConfirmButton } from "./confirm-button.js";
import { CopyButton } from "./copy-button.js";
import "./webhook-endpoint.css";

const EVENT_LABELS: Record<WebhookEventType, string> = {
  "cancellation.created": "A customer cancels",
  "cancellation.updated": "A cancellation's reason or comment changes",
  "retention.accepted": "A customer accepts a retention offer",
  "retention.saved": "An accepted offer is proven a save (still paying after the window)",
};

export interface EventChoice {
  eventTypes: WebhookEventType[];
  includeTest: boolean;
}

/** Which events an endpoint hears about, and whether test-mode ones too. */
export function EventTypeChoices({
  legend,
  selected,
  includeTest,
  disabled = false,
  onChange,
}: {
  legend: string;
  selected: WebhookEventType[];
  includeTest: boolean;
  disabled?: boolean;
  onChange(choice: EventChoice): void;
}) {
  const id = useId();
  const toggle = (type: WebhookEventType, on: boolean) =>
    onChange({
      includeTest,
      eventTypes: (Object.keys(EVENT_LABELS) as WebhookEventType[]).filter((t) =>
        t === type ? on : selected.includes(t),
      ),
    });
  return (
    <fieldset className="event-choices" disabled={disabled}>
      <legend>{legend}</legend>
      {(Object.keys(EVENT_LABELS) as WebhookEventType[]).map((type) => (
        <label key={type} className="check" htmlFor={`${id}-${type}`}>
          <input
            id={`${id}-${type}`}
            type="checkbox"
            checked={selected.includes(type)}
            onChange={(e) => toggle(type, e.target.checked)}
          />
          {EVENT_LABELS[type]} <code>{type}</code>
        </label>
      ))}
      <label className="check" htmlFor={`${id}-test`}>
        <input
          id={`${id}-test`}
          type="checkbox"
          checked={includeTest}
          onChange={(e) => onChange({ eventTypes: selected, includeTest: e.target.checked })}
        />
        Test-mode events too
      </label>
    </fieldset>
  );
}

function SigningSecret({ endpoint }: { endpoint: WebhookEndpoint }) {
  const [shown, setShown] = useState(false);
  if (!endpoint.secret) return null;
  return (
    <div className="endpoint-secret">
      <span className="endpoint-label">Signing secret</span>
      <div className="secret-row">
        <code className="secret">{shown ? endpoint.secret : "whsec_••••••••••••"}</code>
        <button
          type="button"
          className="button"
          aria-pressed={shown}
          onClick={() => setShown(!shown)}
        >
          {shown ? "Hide" : "Show"}
        </button>
        <CopyButton text={endpoint.secret} />
      </div>
      {endpoint.previous_secret_expires_at && (
        <p className="hint">
          The secret before the last rotation signs too until{" "}
          {formatDateTime(endpoint.previous_secret_expires_at)}.
        </p>
      )}
    </div>
  );
}

/** One endpoint: where it goes, what it hears, its secret; owners change all of it. */
export function WebhookEndpointCard({
  endpoint,
  client,
  owner,
  onChange,
  onRemove,
  onSent,
}: {
  endpoint: WebhookEndpoint;
  client: AccountApi;
  owner: boolean;
  onChange(endpoint: WebhookEndpoint): void;
  onRemove(): void;
  onSent(): void;
}) {
  const { run, busy, notice } = useAction();
  const [sent, setSent] = useState("");
  const name = endpoint.description || endpoint.url;
  const update = (changes: Parameters<AccountApi["updateWebhook"]>[1]) =>
    void run(async () => onChange((await client.updateWebhook(endpoint.id, changes)).endpoint));

  return (
    <li className="endpoint" aria-label={name}>
      <div className="endpoint-head">
        <strong className="endpoint-name">{name}</strong>
        <span className="badge">{endpoint.kind === "slack" ? "Slack" : "Webhook"}</span>
        <span className={`badge${endpoint.enabled ? " badge-good" : ""}`}>
          {endpoint.enabled ? "enabled" : "paused"}
        </span>
      </div>
      {endpoint.description && <code className="endpoint-url">{endpoint.url}</code>}
      {notice}
      <EventTypeChoices
        legend="Sends"
        selected={endpoint.event_types}
        includeTest={endpoint.include_test}
        disabled={!owner || busy}
        onChange={(choice) =>
          choice.eventTypes.length > 0 &&
          update({ event_types: choice.eventTypes, include_test: choice.includeTest })
        }
      />
      {endpoint.kind === "webhook" && <SigningSecret endpoint={endpoint} />}
      {owner && (
        <div className="button-row">
          <button
            type="button"
            className="button button-small"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await client.pingWebhook(endpoint.id);
                setSent("Test sent: see it in the delivery log.");
                onSent();
              })
            }
          >
            Send test<span className="visually-hidden"> to {name}</span>
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={busy}
            onClick={() => update({ enabled: !endpoint.enabled })}
          >
            {endpoint.enabled ? "Pause" : "Resume"}
            <span className="visually-hidden"> {name}</span>
          </button>
          {endpoint.kind === "webhook" && (
            <ConfirmButton
              label="Rotate secret"
              confirmLabel="Really rotate?"
              srLabel={name}
              onConfirm={() =>
                void run(async () =>
                  onChange((await client.rotateWebhookSecret(endpoint.id)).endpoint),
                )
              }
            />
          )}
          <ConfirmButton
            label="Delete"
            confirmLabel="Really delete?"
            srLabel={name}
            onConfirm={() =>
              void run(async () => {
                await client.removeWebhook(endpoint.id);
                onRemove();
              })
            }
          />
          <span role="status" className="endpoint-sent">
            {sent}
          </span>
        </div>
      )}
    </li>
  );
}
