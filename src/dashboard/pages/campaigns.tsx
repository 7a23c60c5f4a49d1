import { type FormEvent, useEffect, useMemo, useState } from "react";
import type { Static } from "typebox";
import type * as schemas from "../../contract/campaigns.js";
import { accountApi } from "../api/endpoints.js";
import { Field, FieldFrame, SelectField } from "../components/field.js";
import { type NumberSetting, NumberSettingsForm } from "../components/number-settings.js";
import { ReasonChecks, type ReasonChoice } from "../components/reason-checks.js";
import { EmptyState, Loaded } from "../components/states.js";
import { formErrors, NO_ERRORS } from "../lib/form-errors.js";
import { formatDateTime } from "../lib/format.js";
import { useAsync } from "../lib/use-async.js";
import { useSession } from "../session.js";
import "./campaigns.css";

type ApiCampaign = Static<typeof schemas.ApiCampaign>;
type CampaignBody = Static<typeof schemas.CampaignBody>;
type Step = Static<typeof schemas.CampaignStep>;
type Client = ReturnType<typeof accountApi>;

const NEW_STEP: Step = {
  delay_days: 7,
  subject: "We miss you, {{name}}",
  body: "Hello {{name}},\n\nWe would be glad to have you back.",
};

const STATE_WORDS: Record<string, string> = {
  active: "Active",
  completed: "Completed",
  stopped: "Stopped",
  unsubscribed: "Unsubscribed",
};

/** Win-back campaigns: emails to customers whose cancellation for a reason ended. */
export default function CampaignsPage() {
  const { account } = useSession();
  const client = useMemo(() => accountApi(account.id), [account.id]);
  const owner = account.role === "owner";
  const list = useAsync(() => client.campaigns(), [client]);
  const reasons = useAsync(() => client.reasons(), [client]);
  const offers = useAsync(() => client.offers(), [client]);
  const [editing, setEditing] = useState<ApiCampaign | "new" | null>(null);

  useEffect(() => {
    document.title = `Campaigns · ${account.name} · Cancel Insights`;
  }, [account.name]);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Campaigns</h1>
          <p className="lead">
            A sequence of emails to customers whose cancellation, for one of the campaign's reasons,
            has ended. It stops when they subscribe again or unsubscribe.
          </p>
        </div>
        {owner && editing === null && (
          <button type="button" className="button button-primary" onClick={() => setEditing("new")}>
            New campaign
          </button>
        )}
      </div>
      <Loaded state={list}>
        {(data) =>
          editing !== null ? (
            <CampaignEditor
              key={editing === "new" ? "new" : editing.id}
              client={client}
              campaign={editing === "new" ? null : editing}
              reasons={reasons.data?.reasons ?? []}
              offers={offers.data?.offers ?? []}
              owner={owner}
              done={() => {
                setEditing(null);
                list.reload();
              }}
            />
          ) : (
            <>
              <section className="card" aria-labelledby="campaigns-heading">
                <h2 id="campaigns-heading">Your campaigns</h2>
                {data.campaigns.length === 0 ? (
                  <EmptyState title="No campaigns yet">
                    <p>Make one to win back customers who left for a reason you can answer.</p>
                  </EmptyState>
                ) : (
                  <ul className="campaign-list">
                    {data.campaigns.map((campaign) => (
                      <li key={campaign.id} className="campaign-item">
                        <p>
                          <strong>{campaign.name}</strong> · {campaign.steps.length} emails ·{" "}
                          {campaign.active ? "Active" : "Paused"}
                        </p>
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setEditing(campaign)}
                        >
                          {owner ? `Edit ${campaign.name}` : `View ${campaign.name}`}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section className="card" aria-labelledby="campaign-limit-heading">
                <h2 id="campaign-limit-heading">Sending limit</h2>
                <NumberSettingsForm
                  fields={LIMIT_SETTING}
                  initial={{ daily_limit: data.daily_limit }}
                  owner={owner}
                  save={(values) => client.setCampaignDailyLimit(values.daily_limit)}
                  submitLabel="Save limit"
                  className="campaign-limit"
                />
              </section>
            </>
          )
        }
      </Loaded>
    </div>
  );
}

const LIMIT_SETTING: NumberSetting<"daily_limit">[] = [
  {
    name: "daily_limit",
    label: "Campaign emails a day",
    hint: "Past it, the day's other emails wait for the next day (UTC).",
    min: 1,
    max: 100000,
  },
];

/** The fields of a step, as the API names them in errors. */
const stepFields = (steps: Step[]) =>
  steps.flatMap((_, i) => [`steps[${i}].delay_days`, `steps[${i}].subject`, `steps[${i}].body`]);

function CampaignEditor({
  client,
  campaign,
  reasons,
  offers,
  owner,
  done,
}: {
  client: Client;
  campaign: ApiCampaign | null;
  reasons: readonly ReasonChoice[];
  offers: ReadonlyArray<{ id: string; title: string }>;
  owner: boolean;
  done(): void;
}) {
  const [name, setName] = useState(campaign?.name ?? "");
  const [reasonIds, setReasonIds] = useState<string[]>(campaign?.reason_ids ?? []);
  const [active, setActive] = useState(campaign?.active ?? true);
  const [steps, setSteps] = useState<Step[]>(campaign?.steps ?? [{ ...NEW_STEP, delay_days: 60 }]);
  const [shown, setShown] = useState(0);
  const [errors, setErrors] = useState(NO_ERRORS);
  const [offerId, setOfferId] = useState<string | null>(campaign?.offer_id ?? null);

  const setStep = (index: number, change: Partial<Step>) =>
    setSteps((all) => all.map((step, i) => (i === index ? { ...step, ...change } : step)));

  async function save(event: FormEvent) {
    event.preventDefault();
    const body: CampaignBody = { name, reason_ids: reasonIds, offer_id: offerId, steps, active };
    try {
      if (campaign) await client.updateCampaign(campaign.id, body);
      else await client.createCampaign(body);
      done();
    } catch (error) {
      setErrors(formErrors(error, ["name", "reason_ids", "offer_id", ...stepFields(steps)]));
    }
  }

  async function remove() {
    if (!campaign) return;
    await client.deleteCampaign(campaign.id);
    done();
  }

  return (
    <section className="card" aria-labelledby="campaign-editor-heading">
      <h2 id="campaign-editor-heading">{campaign ? campaign.name : "New campaign"}</h2>
      <form onSubmit={save} className="campaign-editor">
        <fieldset disabled={!owner}>
          <Field
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.fields.name}
          />
          <ReasonChecks
            legend="For cancellations put down to"
            className="campaign-reasons"
            reasons={reasons}
            selected={reasonIds}
            onChange={setReasonIds}
            error={errors.fields.reason_ids}
          />
          <SelectField
            label="Offer ({{offer}} shows its title)"
            options={[["", "No offer"], ...offers.map((o) => [o.id, o.title] as const)]}
            value={offerId ?? ""}
            onChange={(value) => setOfferId(value === "" ? null : value)}
            error={errors.fields.offer_id}
          />
          <label className="campaign-active">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />{" "}
            Active
          </label>
          <p className="hint">
            Variables: {"{{name}} {{plan}} {{reason}} {{offer}} {{unsubscribe_url}}"}. Every email
            ends with an unsubscribe link.
          </p>
          <ol className="campaign-steps">
            {steps.map((step, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: steps have no id; their place is it.
              <li key={index} className="campaign-step">
                <h3>Email {index + 1}</h3>
                <Field
                  label={`Email ${index + 1}: days ${index === 0 ? "after the end" : "after the one before"}`}
                  type="number"
                  min={0}
                  max={365}
                  value={String(step.delay_days)}
                  onChange={(e) => setStep(index, { delay_days: Number(e.target.value) })}
                  error={errors.fields[`steps[${index}].delay_days`]}
                />
                <Field
                  label={`Email ${index + 1}: subject`}
                  value={step.subject}
                  onFocus={() => setShown(index)}
                  onChange={(e) => setStep(index, { subject: e.target.value })}
                  error={errors.fields[`steps[${index}].subject`]}
                />
                <FieldFrame
                  label={`Email ${index + 1}: body`}
                  error={errors.fields[`steps[${index}].body`]}
                >
                  {(control) => (
                    <textarea
                      {...control}
                      rows={6}
                      value={step.body}
                      onFocus={() => setShown(index)}
                      onChange={(e) => setStep(index, { body: e.target.value })}
                    />
                  )}
                </FieldFrame>
                {steps.length > 1 && (
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => setSteps((all) => all.filter((_, i) => i !== index))}
                  >
                    Remove email {index + 1}
                  </button>
                )}
              </li>
            ))}
          </ol>
          {steps.length < 10 && (
            <button
              type="button"
              className="button"
              onClick={() => setSteps((all) => [...all, { ...NEW_STEP }])}
            >
              Add an email
            </button>
          )}
        </fieldset>
        {errors.form && (
          <p className="notice notice-error" role="alert">
            {errors.form}
          </p>
        )}
        <p className="campaign-actions">
          {owner && (
            <button type="submit" className="button button-primary">
              Save campaign
            </button>
          )}{" "}
          <button type="button" className="button" onClick={done}>
            Back
          </button>{" "}
          {owner && campaign && (
            <button type="button" className="button button-danger" onClick={remove}>
              Delete campaign
            </button>
          )}
        </p>
      </form>
      <StepPreview
        client={client}
        step={steps[shown] ?? steps[0]}
        index={steps[shown] ? shown : 0}
        offerId={offerId}
        reasonIds={reasonIds}
      />
      {campaign && owner && <TestSend client={client} campaignId={campaign.id} stepIndex={shown} />}
      {campaign && <Enrollments client={client} campaignId={campaign.id} />}
    </section>
  );
}

/** The step as a customer would read it, with sample values, redrawn as it is edited. */
function StepPreview(props: {
  client: Client;
  step: Step | undefined;
  index: number;
  offerId: string | null;
  reasonIds: string[];
}) {
  const { client, step, index, offerId, reasonIds } = props;
  const [preview, setPreview] = useState<{ subject: string; text: string } | { error: string }>();
  const key = JSON.stringify([step, offerId, reasonIds]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the inputs.
  useEffect(() => {
    if (!step) return;
    let current = true;
    const timer = setTimeout(() => {
      client.previewCampaignStep({ step, offer_id: offerId, reason_ids: reasonIds }).then(
        (reply) => current && setPreview(reply),
        (error: unknown) =>
          current && setPreview({ error: formErrors(error, []).form ?? "No preview." }),
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, key]);
  return (
    <section
      className="campaign-preview"
      aria-labelledby="campaign-preview-heading"
      aria-live="polite"
    >
      <h3 id="campaign-preview-heading">Preview of email {index + 1}</h3>
      {preview === undefined ? (
        <p className="hint">Rendering…</p>
      ) : "error" in preview ? (
        <p className="notice notice-error">{preview.error}</p>
      ) : (
        <>
          <p>
            <strong>Subject:</strong> {preview.subject}
          </p>
          <pre className="email-message">{preview.text}</pre>
        </>
      )}
    </section>
  );
}

function TestSend(props: { client: Client; campaignId: string; stepIndex: number }) {
  const [to, setTo] = useState("");
  const [errors, setErrors] = useState(NO_ERRORS);
  const [sent, setSent] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setSent(false);
    try {
      await props.client.testSendCampaign(props.campaignId, { to, step_index: props.stepIndex });
      setErrors(NO_ERRORS);
      setSent(true);
    } catch (error) {
      setErrors(formErrors(error, ["to"]));
    }
  }
  return (
    <form onSubmit={submit} className="campaign-test-send">
      <Field
        label="Send a test of this email to"
        hint="With sample values. Saved steps are sent: save first."
        type="email"
        value={to}
        onChange={(e) => setTo(e.target.value)}
        error={errors.fields.to ?? errors.form ?? undefined}
      />
      <p>
        <button type="submit" className="button">
          Send test
        </button>
        {sent && <span role="status"> Queued: see Emails.</span>}
      </p>
    </form>
  );
}

function Enrollments({ client, campaignId }: { client: Client; campaignId: string }) {
  const list = useAsync(() => client.campaignEnrollments(campaignId), [client, campaignId]);
  return (
    <section aria-labelledby="enrollments-heading">
      <h3 id="enrollments-heading">Customers in this campaign</h3>
      <Loaded state={list}>
        {(data) =>
          data.enrollments.length === 0 ? (
            <p className="hint">Nobody yet: customers join when their cancellation ends.</p>
          ) : (
            <table className="enrollments">
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">State</th>
                  <th scope="col">Next email</th>
                </tr>
              </thead>
              <tbody>
                {data.enrollments.map((e) => (
                  <tr key={e.id}>
                    <td>{e.email}</td>
                    <td>
                      {STATE_WORDS[e.state] ?? e.state}
                      {e.stop_reason && ` (${e.stop_reason})`}
                    </td>
                    <td>
                      {e.next_at ? `Email ${e.next_step + 1}, ${formatDateTime(e.next_at)}` : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}
