import { type FormEvent, useState } from "react";
import type { AccountApi } from "../../api/endpoints.js";
import type { Role } from "../../api/types.js";
import { ConfirmButton } from "../../components/confirm-button.js";
import { DataTable } from "../../components/data-table.js";
import { formatDateTime } from "../../lib/format.js";
import { useAction } from "../../lib/use-action.js";
import { useAsync } from "../../lib/use-async.js";
import { SecretOnce } from "./secret-once.js";
import { Section } from "./section.js";

/** Owners only: one-time invite links, and the pending ones to revoke. */
export function Invites({ client }: { client: AccountApi }) {
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
        <DataTable caption="Pending invites" columns={["For", "Role", "Expires"]} actions>
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
        </DataTable>
      )}
    </Section>
  );
}
