import { ConfirmButton } from "../../components/confirm-button.js";
import { DataTable } from "../../components/data-table.js";
import { formatDateTime } from "../../lib/format.js";

interface Credential {
  id: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

function Status({ revoked }: { revoked: string | null }) {
  return revoked ? (
    <span className="badge">revoked {formatDateTime(revoked)}</span>
  ) : (
    <span className="badge badge-good">active</span>
  );
}

/** Rotate and revoke, each asking once more first. */
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

/** Embed tokens and API keys alike: name, what can be shown of it, dates, rotate and revoke. */
export function CredentialTable<C extends Credential>(props: {
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
    <DataTable columns={["Name", props.shownAs, "Created", "Status"]} actions={owner}>
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
    </DataTable>
  );
}
