import { useState } from "react";
import type { ApiKey } from "../../api/types.js";
import { Loaded } from "../../components/states.js";
import { useAction } from "../../lib/use-action.js";
import { useAsync } from "../../lib/use-async.js";
import { CredentialTable } from "./credential-table.js";
import { NameForm } from "./name-form.js";
import { SecretOnce } from "./secret-once.js";
import { type AccountSectionProps, Section } from "./section.js";

export function ApiKeys({ client, owner }: AccountSectionProps) {
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
