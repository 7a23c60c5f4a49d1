import type { Role } from "../../api/types.js";
import { ConfirmButton } from "../../components/confirm-button.js";
import { DataTable } from "../../components/data-table.js";
import { Loaded } from "../../components/states.js";
import { formatDateTime } from "../../lib/format.js";
import { useAction } from "../../lib/use-action.js";
import { useAsync } from "../../lib/use-async.js";
import { useSession } from "../../session.js";
import { type AccountSectionProps, Section } from "./section.js";

export function Members({ client, owner }: AccountSectionProps) {
  const { session, refresh } = useSession();
  const list = useAsync(() => client.members(), [client]);
  const { run, notice } = useAction();
  return (
    <Section id="members-heading" title="Members">
      {notice}
      <Loaded state={list}>
        {(data) => (
          <DataTable columns={["Email", "Role", "Since"]} actions>
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
                                members: (d?.members ?? []).filter((x) => x.user_id !== m.user_id),
                              }));
                          })
                        }
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </Loaded>
    </Section>
  );
}
