import type { EmbedToken } from "../../api/types.js";
import { Loaded } from "../../components/states.js";
import { useAction } from "../../lib/use-action.js";
import { useAsync } from "../../lib/use-async.js";
import { CredentialTable } from "./credential-table.js";
import { NameForm } from "./name-form.js";
import { type AccountSectionProps, Section } from "./section.js";

export function EmbedTokens({ client, owner }: AccountSectionProps) {
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
