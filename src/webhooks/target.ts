import dns from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { AppError } from "../errors.js";

/**
 * Where webhooks may go. A member of one account must not be able to point the server at
 * what only the server can reach (its own admin ports, the cloud metadata service, the
 * database): only public unicast addresses are allowed, unless the operator allows private
 * ones (tests, local development). Literal addresses are refused when the endpoint is
 * saved; names are resolved and checked when each delivery connects (see `guardedLookup`).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // `process` turns ::ffff:10.0.0.1 into 10.0.0.1, so the IPv4 rules apply to it.
  return ipaddr.process(address).range() === "unicast";
}

/** Hostnames that name this machine whatever DNS says. */
function isLocalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/** The URL an endpoint may be saved with, or a validation error on `field`. */
export function checkWebhookUrl(raw: string, allowPrivate: boolean, field = "url"): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError("validation_error", "url must be an absolute http(s) URL.", { field });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new AppError("validation_error", "url must start with https:// or http://.", { field });
  }
  if (url.username || url.password) {
    throw new AppError(
      "validation_error",
      "url must not carry a user name or password: receivers verify the signature instead.",
      { field },
    );
  }
  if (literalTargetProblem(url, allowPrivate)) {
    throw new AppError("unsafe_webhook_target", undefined, { field });
  }
  return url.toString();
}

/** Why a delivery may not go to `url`, or null; for literal addresses, which skip DNS. */
export function literalTargetProblem(url: URL, allowPrivate: boolean): string | null {
  const host = hostOf(url);
  if (allowPrivate) return null;
  if (isLocalName(host)) return `${host} is this machine: refused`;
  if (isIP(host) !== 0 && !isPublicAddress(host)) return `${host} is not a public address: refused`;
  return null;
}

/**
 * A `lookup` for the HTTP client that refuses names resolving to any non-public address.
 * The check runs on the very addresses the socket then connects to, so a name that
 * resolves to a public address when checked and a private one a moment later (DNS
 * rebinding) gains nothing.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (refused) {
        const problem = new Error(
          `${hostname} resolves to ${refused.address}, not a public address: refused`,
        );
        return callback(Object.assign(problem, { code: "EUNSAFETARGET" }), "", 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`), "", 0);
      callback(null, first.address, first.family);
    });
  };
}
