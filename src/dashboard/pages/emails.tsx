import { useEffect, useMemo } from "react";
import type { Static } from "typebox";
import type * as emails from "../../contract/emails.js";
import { accountApi } from "../api/endpoints.js";
import { type NumberSetting, NumberSettingsForm } from "../components/number-settings.js";
import { EmptyState, Loaded } from "../components/states.js";
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

const EMAIL_SETTINGS: NumberSetting<keyof EmailSettings>[] = [
  {
    name: "reason_delay_minutes",
    label: "Send after (minutes)",
    hint: "How long after the cancellation, if no answer came meanwhile (0 to 10080).",
    min: 0,
    max: 10080,
  },
  {
    name: "reason_link_days",
    label: "Link works for (days)",
    hint: "The form's link works once, for this many days (1 to 90).",
    min: 1,
    max: 90,
  },
];

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
            <NumberSettingsForm
              fields={EMAIL_SETTINGS}
              initial={data.settings}
              owner={owner}
              save={async (values) => (await client.setEmailSettings(values)).settings}
              className="email-settings"
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
