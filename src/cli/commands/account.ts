import { createAccountsRepository } from "../../db/repositories/accounts.js";
import { CliError } from "../cli-error.js";
import { configFrom, parseCommand, withDatabase } from "../options.js";

export async function accountCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== "create") {
    throw new CliError(
      `Unknown account action "${action ?? ""}". Try: account create --name NAME.`,
    );
  }
  const { values } = parseCommand(rest, {
    name: { type: "string" },
    json: { type: "boolean" },
  });
  const name = typeof values.name === "string" ? values.name.trim() : "";
  if (!name) throw new CliError("--name NAME is required.");
  if (name.length > 200) throw new CliError("--name must be at most 200 characters.");
  await withDatabase(configFrom(values), async ({ db }) => {
    const { account, accessTokenId, secretKey } = await createAccountsRepository(db).create(name);
    if (values.json) {
      console.log(
        JSON.stringify({
          account_id: account.id,
          name: account.name,
          access_token_id: accessTokenId,
          secret_key: secretKey,
        }),
      );
      return;
    }
    console.log(`Account:          ${account.name} (${account.id})`);
    console.log(`Access token id:  ${accessTokenId}   (public, goes in the snippet)`);
    console.log(`Secret key:       ${secretKey}   (shown once: keep it safe)`);
  });
}
