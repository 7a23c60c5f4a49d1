import { type FormEvent, useEffect, useMemo, useState } from "react";
import type { Static } from "typebox";
import type * as emails from "../../contract/emails.js";
import { accountApi } from "../api/endpoints.js";
import { Field } from "../components/field.js";
import { EmptyState, Loaded } from "../components/states.js";
import { formErrors } from "../lib/form-errors.js";
import { formatDateTime } from "../lib/format.js";
import { useAsync } from "../lib/use-async.js";
import { useSession } from "../session.js";
import "./emails.css";

type ApiEmail = Static<typeof emails.ApiEmail>;
type EmailSettings = Static<typeof emails.EmailSettings>;

const STATUS_WORDS: Record<ApiEmail["status"], string> = {
  scheduled: "Scheduled",
  sending: "Sending",
  sent: "Sent",
  outbox: "In the outbox (not sent)",
  skipped: "Skipped",
  failed: "Failed",
};

const REASON_WORDS: Record<string, string> = {
  answered: "the customer answered meanwhile",
  reactivated: "the customer resubscribed meanwhile",
  no_customer_email: "the billing provider knows no email address for the customer",
  gone: "the cancellation or campaign was deleted",
  unsubscribed: "the address unsubscribed from campaign emails",
  resubscribed: "the customer subscribed again",
  campaign_inactive: "the campaign was paused",
};

/** The reason email's log (with the outbox's messages) and its settings. */
export default function EmailsPage() {
  const { account } = useSession();
  const client = useMemo(() => accountApi(account.id), [account.id]);
  const owner = account.role === "owner";
  const log = useAsync(() => client.emails(), [client]);
  const settings = useAsync(() => client.emailSettings(), [client]);

  useEffect(() => {
    document.title = `Emails · ${account.name} · Cancel Insights`;
  }, [account.name]);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Emails</h1>
          <p className="lead">
            A customer who cancels at your billing provider without answering gets one email asking
            why, with a link to a one-page form. Answers land here as the widget's do.
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="email-settings-heading">
        <h2 id="email-settings-heading">Reason email</h2>
        <Loaded state={settings}>
          {(data) => (
            <SettingsForm
              initial={data.settings}
              owner={owner}
              save={(changes) => client.setEmailSettings(changes)}
            />
          )}
        </Loaded>
      </section>
      <section className="card" aria-labelledby="email-log-heading">
        <h2 id="email-log-heading">Log</h2>
        <Loaded state={log}>
          {(data) => (
            <>
              {data.transport === "outbox" && (
                <p className="notice">
                  No SMTP server is configured (<code>SMTP_URL</code>): emails are not sent, they
                  wait here in the outbox so you can read them.
                </p>
              )}
              {data.emails.length === 0 ? (
                <EmptyState title="No emails yet">
                  <p>The first comes after a customer cancels at your billing provider.</p>
                </EmptyState>
              ) : (
                <ul className="email-log">
                  {data.emails.map((email) => (
                    <EmailItem key={email.id} email={email} />
                  ))}
                </ul>
              )}
            </>
          )}
        </Loaded>
      </section>
    </div>
  );
}

function EmailItem({ email }: { email: ApiEmail }) {
  const why = email.error ? (REASON_WORDS[email.error] ?? email.error) : null;
  return (
    <li className="email-item">
      <p>
        <strong>
          {email.subject ?? (email.kind === "campaign" ? "Campaign email" : "Reason email")}
        </strong>
        {email.to && <> to {email.to}</>}
        {email.is_test && " (test)"}
      </p>
      <p className="hint">
        {STATUS_WORDS[email.status]}
        {why && `: ${why}`} · {formatDateTime(email.sent_at ?? email.created_at)}
        {email.event_id && " · answered through its link"}
      </p>
      {email.message && (
        <details>
          <summary>Read the message</summary>
          <pre className="email-message">{email.message.text}</pre>
        </details>
      )}
    </li>
  );
}

function SettingsForm({
  initial,
  owner,
  save,
}: {
  initial: EmailSettings;
  owner: boolean;
  save(changes: Partial<EmailSettings>): Promise<{ settings: EmailSettings }>;
}) {
  const [delay, setDelay] = useState(String(initial.reason_delay_minutes));
  const [days, setDays] = useState(String(initial.reason_link_days));
  const [errors, setErrors] = useState<ReturnType<typeof formErrors>>({ fields: {}, form: null });
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    try {
      const reply = await save({
        reason_delay_minutes: Number(delay),
        reason_link_days: Number(days),
      });
      setDelay(String(reply.settings.reason_delay_minutes));
      setDays(String(reply.settings.reason_link_days));
      setErrors({ fields: {}, form: null });
      setSaved(true);
    } catch (error) {
      setErrors(formErrors(error, ["reason_delay_minutes", "reason_link_days"]));
    }
  }

  return (
    <form onSubmit={submit} className="email-settings">
      <Field
        label="Send after (minutes)"
        hint="How long after the cancellation, if no answer came meanwhile (0 to 10080)."
        type="number"
        min={0}
        max={10080}
        value={delay}
        disabled={!owner}
        onChange={(e) => setDelay(e.target.value)}
        error={errors.fields.reason_delay_minutes}
      />
      <Field
        label="Link works for (days)"
        hint="The form's link works once, for this many days (1 to 90)."
        type="number"
        min={1}
        max={90}
        value={days}
        disabled={!owner}
        onChange={(e) => setDays(e.target.value)}
        error={errors.fields.reason_link_days}
      />
      {errors.form && (
        <p className="notice notice-error" role="alert">
          {errors.form}
        </p>
      )}
      {owner ? (
        <p>
          <button type="submit" className="button button-primary">
            Save
          </button>
          {saved && (
            <span role="status" className="hint">
              {" "}
              Saved.
            </span>
          )}
        </p>
      ) : (
        <p className="hint">Only owners change these.</p>
      )}
    </form>
  );
}
