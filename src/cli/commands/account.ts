import { createAccountsRepository } from "../../db/repositories/accounts.js";
import { CliError } from "../cli-error.js";
import { configFrom, parseCommand, withSecrets } from "../options.js";
import { credentialsFrom, findOrCreateUser } from "./user.js";

export async function accountCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== "create") {
    throw new CliError(
      `Unknown account action "${action ?? ""}". Try: account create --name NAME.`,
    );
  }
  const { values } = parseCommand(rest, {
    name: { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
    json: { type: "boolean" },
  });
  const name = typeof values.name === "string" ? values.name.trim() : "";
  if (!name) throw new CliError("--name NAME is required.");
  if (name.length > 200) throw new CliError("--name must be at most 200 characters.");
  // With --email and --password, that user (found, or created) owns the new account.
  const credentials = credentialsFrom(values, false);
  await withSecrets(configFrom(values), async ({ db }, secrets) => {
    const { owner, account, accessTokenId, secretKey } = await db
      .transaction()
      .execute(async (trx) => {
        const owner = credentials && (await findOrCreateUser(trx, credentials)).user;
        const created = await createAccountsRepository(trx, { secrets }).create(name, {
          ownerId: owner?.id,
        });
        return { owner, ...created };
      });
    if (values.json) {
      console.log(
        JSON.stringify({
          account_id: account.id,
          name: account.name,
          access_token_id: accessTokenId,
          secret_key: secretKey,
          ...(owner ? { owner: { user_id: owner.id, email: owner.email } } : {}),
        }),
      );
      return;
    }
    console.log(`Account:          ${account.name} (${account.id})`);
    if (owner) console.log(`Owner:            ${owner.email} (${owner.id})`);
    console.log(`Access token id:  ${accessTokenId}   (public, goes in the snippet)`);
    console.log(`Secret key:       ${secretKey}   (shown once: keep it safe)`);
  });
}
