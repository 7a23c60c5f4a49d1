import { useAction } from "../../lib/use-action.js";
import { useSession } from "../../session.js";
import { NameForm } from "./name-form.js";
import { type AccountSectionProps, Section } from "./section.js";

export function AccountName({ client, owner }: AccountSectionProps) {
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
