import { renderSnippet } from "../../snippet.js";
import { CliError } from "../cli-error.js";
import { configFrom, parseCommand } from "../options.js";

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/** Needs no database, so it works while the server holds PGlite's data directory. */
export async function snippetCommand(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { token: { type: "string" } });
  const token = values.token;
  if (typeof token !== "string") throw new CliError("--token ID is required.");
  if (!TOKEN_PATTERN.test(token))
    throw new CliError(`--token "${token}" is not an access token id.`);
  const config = configFrom(values);
  console.log(renderSnippet({ publicUrl: config.publicUrl, accessTokenId: token }));
}
