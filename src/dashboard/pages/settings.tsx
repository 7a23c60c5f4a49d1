import { type FormEvent, type ReactNode, useEffect, useMemo, useState } from "react";
import { type AccountApi, accountApi } from "../api/endpoints.js";
import type { ApiKey, EmbedToken, Role } from "../api/types.js";
import { ConfirmButton } from "../components/confirm-button.js";
import { CopyButton } from "../components/copy-button.js";
import { Loaded } from "../components/states.js";
import { WidgetAppearance } from "../components/widget-appearance.js";
import { formatDateTime } from "../lib/format.js";
import { useAction } from "../lib/use-action.js";
import { useAsync } from "../lib/use-async.js";
import { useSession } from "../session.js";

/**
 * Account name, the widget's looks, embed tokens, API keys, members and invites (owners
 * change, members look), and signing out everywhere.
 */
export default function SettingsPage() {
  const { account } = useSession();
  const client = useMemo(() => accountApi(account.id), [account.id]);
  const owner = account.role === "owner";

  useEffect(() => {
    document.title = `Settings · ${account.name} · Cancel Insights`;
  }, [account.name]);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p className="lead">
            {owner
              ? "The widget's look and words, tokens, keys and people of this account."
              : "You are a member of this account: only owners can change these settings."}
          </p>
        </div>
      </div>
      <AccountName client={client} owner={owner} />
      <Section
        id="widget-heading"
        title="Widget"
        intro="How the question looks to your customers: its language, your brand colour and logo, and your own words."
      >
        <WidgetAppearance client={client} owner={owner} />
      </Section>
      <EmbedTokens client={client} owner={owner} />
      <ApiKeys client={client} owner={owner} />
      <Members client={client} owner={owner} />
      {owner && <Invites client={client} />}
      <YourSessions />
    </div>
  );
}

function Section({
  id,
  title,
  intro,
  children,
}: {
  id: string;
  title: string;
  intro?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {intro && <p className="hint">{intro}</p>}
      {children}
    </section>
  );
}

function NameForm({
  label,
  button,
  busy,
  onSubmit,
  initial = "",
}: {
  label: string;
  button: string;
  busy: boolean;
  onSubmit(name: string): Promise<void>;
  initial?: string;
}) {
  const [name, setName] = useState(initial);
  const id = useMemo(() => `f-${label.toLowerCase().replace(/\W+/g, "-")}`, [label]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    await onSubmit(name.trim());
    if (!initial) setName("");
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor={id}>{label}</label>
      <div className="search-row">
        <input
          id={id}
          value={name}
          maxLength={100}
          required
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="button button-primary" disabled={busy}>
          {button}
        </button>
      </div>
    </form>
  );
}

function AccountName({ client, owner }: { client: AccountApi; owner: boolean }) {
  const { account, refresh } = useSession();
  const { run, busy, notice } = useAction();
  return (
    <Section id="account-heading" title="Account">
      {notice}
      {owner ? (
        <NameForm
          key={account.name}
          label="Account name"
          button="Rename"
          busy={busy}
          initial={account.name}
          onSubmit={(name) =>
            run(async () => {
              await client.rename(name);
              await refresh();
            })
          }
        />
      ) : (
        <p>{account.name}</p>
      )}
    </Section>
  );
}

/** About the person, not the account: every session of theirs, on any device. */
function YourSessions() {
  const { session, signOut } = useSession();
  const { run, notice } = useAction();
  return (
    <Section
      id="sessions-heading"
      title="Your sign-in"
      intro={
        <>
          Signed in as <strong>{session.user.email}</strong>. Signing out everywhere ends all your
          sessions, in every browser and on every device, this one included: use it after signing in
          on a computer that is not yours, or when a device goes missing.
        </>
      }
    >
      {notice}
      <ConfirmButton
        label="Sign out everywhere"
        confirmLabel="Really sign out everywhere?"
        onConfirm={() => void run(() => signOut({ everywhere: true }))}
      />
    </Section>
  );
}

function Status({ revoked }: { revoked: string | null }) {
  return revoked ? (
    <span className="badge">revoked {formatDateTime(revoked)}</span>
  ) : (
    <span className="badge badge-good">active</span>
  );
}

interface Credential {
  id: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

/** Embed tokens and API keys alike: name, what can be shown of it, dates, rotate and revoke. */
function CredentialTable<C extends Credential>(props: {
  items: C[];
  owner: boolean;
  /** The heading of the column that tells items apart (the id, or a secret's start). */
  shownAs: string;
  shown: (item: C) => string;
  onRotate: (item: C) => void;
  onRevoke: (item: C) => void;
}) {
  const { owner } = props;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">{props.shownAs}</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            {owner && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.items.map((item) => (
            <tr key={item.id}>
              <th scope="row">{item.name}</th>
              <td>
                <code>{props.shown(item)}</code>
              </td>
              <td>{formatDateTime(item.created_at)}</td>
              <td>
                <Status revoked={item.revoked_at} />
              </td>
              {owner && (
                <td className="actions">
                  {!item.revoked_at && (
                    <RotateRevoke
                      name={item.name}
                      onRotate={() => props.onRotate(item)}
                      onRevoke={() => props.onRevoke(item)}
                    />
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EmbedTokens({ client, owner }: { client: AccountApi; owner: boolean }) {
  const list = useAsync(() => client.embedTokens(), [client]);
  const { run, busy, notice } = useAction();
  const replace = (token: EmbedToken) =>
    list.setData((d) => ({
      embed_tokens: (d?.embed_tokens ?? []).map((t) => (t.id === token.id ? token : t)),
    }));
  return (
    <Section
      id="tokens-heading"
      title="Embed tokens"
      intro="Public ids that go into the snippet. Rotating gives the token a new id: update your snippet, the old id stops working. Revoking stops it for good."
    >
      {notice}
      <Loaded state={list}>
        {(data) => (
          <CredentialTable
            items={data.embed_tokens}
            owner={owner}
            shownAs="Token"
            shown={(t) => t.id}
            onRotate={(t) =>
              void run(async () => {
                const { embed_token } = await client.rotateEmbedToken(t.id);
                // The rotated token has a new id: it takes the old one's row.
                list.setData((d) => ({
                  embed_tokens: (d?.embed_tokens ?? []).map((x) =>
                    x.id === t.id ? embed_token : x,
                  ),
                }));
                list.reload();
              })
            }
            onRevoke={(t) =>
              void run(async () => replace((await client.revokeEmbedToken(t.id)).embed_token))
            }
          />
        )}
      </Loaded>
      {owner && (
        <NameForm
          label="New embed token name"
          button="Create token"
          busy={busy}
          onSubmit={(name) =>
            run(async () => {
              const { embed_token } = await client.createEmbedToken(name);
              list.setData((d) => ({ embed_tokens: [...(d?.embed_tokens ?? []), embed_token] }));
            })
          }
        />
      )}
    </Section>
  );
}

function SecretOnce({ secret, what, onDone }: { secret: string; what: string; onDone(): void }) {
  return (
    <div className="notice notice-secret" role="status">
      <p>
        <strong>Copy the {what} now:</strong> it is shown only this once.
      </p>
      <div className="secret-row">
        <code className="secret">{secret}</code>
        <CopyButton text={secret} />
        <button type="button" className="button button-quiet" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function ApiKeys({ client, owner }: { client: AccountApi; owner: boolean }) {
  const list = useAsync(() => client.apiKeys(), [client]);
  const [secret, setSecret] = useState<string | null>(null);
  const { run, busy, notice } = useAction();
  const upsert = (key: ApiKey) =>
    list.setData((d) => {
      const keys = d?.api_keys ?? [];
      const known = keys.some((k) => k.id === key.id);
      return { api_keys: known ? keys.map((k) => (k.id === key.id ? key : k)) : [...keys, key] };
    });
  return (
    <Section
      id="keys-heading"
      title="API keys"
      intro={
        <>
          Secret keys for the REST API (<code>Authorization: Bearer …</code>), server to server
          only. We keep only a hash: a key is shown once, when created or rotated. See the{" "}
          <a href="/docs/api">API reference</a>.
        </>
      }
    >
      {notice}
      {secret && <SecretOnce secret={secret} what="API key" onDone={() => setSecret(null)} />}
      <Loaded state={list}>
        {(data) =>
          data.api_keys.length === 0 ? (
            <p>No API keys yet.</p>
          ) : (
            <CredentialTable
              items={data.api_keys}
              owner={owner}
              shownAs="Starts with"
              shown={(k) => `${k.prefix}…`}
              onRotate={(k) =>
                void run(async () => {
                  const { api_key } = await client.rotateApiKey(k.id);
                  const { secret: shown, ...info } = api_key;
                  setSecret(shown);
                  upsert(info);
                  list.reload();
                })
              }
              onRevoke={(k) =>
                void run(async () => upsert((await client.revokeApiKey(k.id)).api_key))
              }
            />
          )
        }
      </Loaded>
      {owner && (
        <NameForm
          label="New API key name"
          button="Create key"
          busy={busy}
          onSubmit={(name) =>
            run(async () => {
              const { api_key } = await client.createApiKey(name);
              const { secret: shown, ...info } = api_key;
              setSecret(shown);
              upsert(info);
            })
          }
        />
      )}
    </Section>
  );
}

function Members({ client, owner }: { client: AccountApi; owner: boolean }) {
  const { session, refresh } = useSession();
  const list = useAsync(() => client.members(), [client]);
  const { run, notice } = useAction();
  return (
    <Section id="members-heading" title="Members">
      {notice}
      <Loaded state={list}>
        {(data) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Since</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.members.map((m) => {
                  const me = m.user_id === session.user.id;
                  return (
                    <tr key={m.user_id}>
                      <th scope="row">
                        {m.email}
                        {me && <span className="badge">you</span>}
                      </th>
                      <td>
                        {owner ? (
                          <select
                            aria-label={`Role of ${m.email}`}
                            value={m.role}
                            onChange={(e) =>
                              void run(async () => {
                                const { member } = await client.setRole(
                                  m.user_id,
                                  e.target.value as Role,
                                );
                                list.setData((d) => ({
                                  members: (d?.members ?? []).map((x) =>
                                    x.user_id === member.user_id ? member : x,
                                  ),
                                }));
                                if (me) await refresh();
                              })
                            }
                          >
                            <option value="owner">Owner</option>
                            <option value="member">Member</option>
                          </select>
                        ) : m.role === "owner" ? (
                          "Owner"
                        ) : (
                          "Member"
                        )}
                      </td>
                      <td>{formatDateTime(m.created_at)}</td>
                      <td className="actions">
                        {(owner || me) && (
                          <ConfirmButton
                            label={me ? "Leave" : "Remove"}
                            confirmLabel={me ? "Really leave?" : "Really remove?"}
                            srLabel={me ? "this account" : m.email}
                            onConfirm={() =>
                              void run(async () => {
                                await client.removeMember(m.user_id);
                                if (me) await refresh();
                                else
                                  list.setData((d) => ({
                                    members: (d?.members ?? []).filter(
                                      (x) => x.user_id !== m.user_id,
                                    ),
                                  }));
                              })
                            }
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </Section>
  );
}

function Invites({ client }: { client: AccountApi }) {
  const list = useAsync(() => client.invites(), [client]);
  const [link, setLink] = useState<string | null>(null);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const { run, busy, notice } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const created = await client.invite({
        role,
        ...(email.trim() ? { email: email.trim() } : {}),
      });
      setLink(created.url);
      setEmail("");
      list.setData((d) => ({ invites: [...(d?.invites ?? []), created.invite] }));
    });
  };

  return (
    <Section
      id="invites-heading"
      title="Invite people"
      intro="An invite is a one-time link, valid for 7 days. Bind it to an email address, or leave that empty for anyone with the link."
    >
      {notice}
      {link && <SecretOnce secret={link} what="invite link" onDone={() => setLink(null)} />}
      <form className="form-grid" onSubmit={submit}>
        <div className="control">
          <label htmlFor="invite-email">Email (optional)</label>
          <input
            id="invite-email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="control">
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="member">Member</option>
            <option value="owner">Owner</option>
          </select>
        </div>
        <button type="submit" className="button button-primary" disabled={busy}>
          Create invite link
        </button>
      </form>
      {list.data && list.data.invites.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption>Pending invites</caption>
            <thead>
              <tr>
                <th scope="col">For</th>
                <th scope="col">Role</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.invites.map((i) => (
                <tr key={i.id}>
                  <th scope="row">{i.email ?? "Anyone with the link"}</th>
                  <td>{i.role === "owner" ? "Owner" : "Member"}</td>
                  <td>{formatDateTime(i.expires_at)}</td>
                  <td className="actions">
                    <ConfirmButton
                      label="Revoke"
                      confirmLabel="Really revoke?"
                      srLabel={`invite for ${i.email ?? "anyone"}`}
                      onConfirm={() =>
                        void run(async () => {
                          await client.revokeInvite(i.id);
                          list.setData((d) => ({
                            invites: (d?.invites ?? []).filter((x) => x.id !== i.id),
                          }));
                        })
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** Rotate and revoke, each asking once more first: embed tokens and API keys share them. */
function RotateRevoke(props: { name: string; onRotate: () => void; onRevoke: () => void }) {
  return (
    <>
      <ConfirmButton
        label="Rotate"
        confirmLabel="Really rotate?"
        srLabel={props.name}
        onConfirm={props.onRotate}
      />
      <ConfirmButton
        label="Revoke"
        confirmLabel="Really revoke?"
        srLabel={props.name}
        onConfirm={props.onRevoke}
      />
    </>
  );
}
