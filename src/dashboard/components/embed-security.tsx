import { type FormEvent, useState } from "react";
import { ApiError, errorMessage } from "../api/client.js";
import type { AccountApi } from "../api/endpoints.js";
import type { WidgetSettings } from "../api/types.js";
import { useAsync } from "../lib/use-async.js";
import { CopyButton } from "./copy-button.js";
import { ErrorNotice, Loading } from "./states.js";
import "./embed-security.css";

/** Owners change the account's widget settings; this keeps the one shared fetch and save. */
export function useWidgetSettings(client: AccountApi) {
  const loaded = useAsync(() => client.widgetSettings(), [client]);
  const [error, setError] = useState<unknown>(undefined);
  const save = async (changes: Partial<WidgetSettings>): Promise<boolean> => {
    setError(undefined);
    try {
      const saved = await client.updateWidgetSettings(changes);
      loaded.setData(() => saved);
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  return { loaded, settings: loaded.data?.settings, save, error };
}

type Shared = ReturnType<typeof useWidgetSettings>;

/** Which sites may embed the widget: any by default, or only those listed. */
export function AllowedOrigins({ shared, owner }: { shared: Shared; owner: boolean }) {
  const { settings, loaded, save, error } = shared;
  const [origin, setOrigin] = useState("");
  if (loaded.error !== undefined && !settings)
    return <ErrorNotice error={loaded.error} retry={loaded.reload} />;
  if (!settings) return <Loading />;
  const origins = settings.allowed_origins;

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const value = origin.trim().replace(/\/+$/, "");
    if (!value || origins.includes(value)) return;
    if (await save({ allowed_origins: [...origins, value] })) setOrigin("");
  };
  const fieldError =
    error instanceof ApiError && error.field?.startsWith("allowed_origins") ? error.message : null;

  return (
    <>
      {origins.length === 0 ? (
        <p>
          <strong>Any site</strong> may show the widget with your token. List your sites to refuse
          the rest.
        </p>
      ) : (
        <ul className="origins">
          {origins.map((o) => (
            <li key={o}>
              <code>{o}</code>
              {owner && (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => void save({ allowed_origins: origins.filter((x) => x !== o) })}
                >
                  Remove<span className="visually-hidden"> {o}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {owner && (
        <form className="inline-form" onSubmit={add} noValidate>
          <label htmlFor="new-origin" className="label">
            Add a site
          </label>
          <div className="search-row">
            <input
              id="new-origin"
              value={origin}
              placeholder="https://app.example.com"
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? "new-origin-error" : undefined}
              onChange={(e) => setOrigin(e.target.value)}
            />
            <button type="submit" className="button button-primary">
              Add
            </button>
          </div>
          {fieldError && (
            <p className="field-error" id="new-origin-error">
              {fieldError}
            </p>
          )}
        </form>
      )}
      {error !== undefined && !fieldError && (
        <p className="notice notice-error" role="alert">
          {errorMessage(error)}
        </p>
      )}
    </>
  );
}

/** The verified-customers switch and, for owners, the secret that signs customer ids. */
export function VerifiedCustomers({ shared, owner }: { shared: Shared; owner: boolean }) {
  const { settings, save } = shared;
  const [shown, setShown] = useState(false);
  // Shown switched at once; the saved value takes over when the server answers.
  const [pending, setPending] = useState<boolean | null>(null);
  if (!settings) return null;
  const secret = settings.customer_hash_secret;
  const on = pending ?? settings.verify_customers;
  const toggle = async (value: boolean) => {
    setPending(value);
    await save({ verify_customers: value });
    setPending(null);
  };
  return (
    <div className="verified">
      <label className="check">
        <input
          type="checkbox"
          role="switch"
          aria-checked={on}
          checked={on}
          disabled={!owner}
          onChange={(e) => void toggle(e.target.checked)}
        />
        Require a valid <code>customer_oid_hash</code> with every answer
      </label>
      <p className="hint">
        {on
          ? "On: answers without a matching hash are refused."
          : "Off: answers are accepted without a hash."}
        {!owner && " Only owners can change this."}
      </p>
      {secret && (
        <div className="secret-row">
          <span>Customer secret:</span>
          <code className="secret">{shown ? secret : "•".repeat(24)}</code>
          <button type="button" className="button button-small" onClick={() => setShown((s) => !s)}>
            {shown ? "Hide" : "Show"}
          </button>
          <CopyButton text={secret} label="Copy secret" />
        </div>
      )}
    </div>
  );
}
