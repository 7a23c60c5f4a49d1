import type { Config } from "../../config.js";
import type { Database } from "../../db/database.js";
import { createLoginThrottle, type LoginThrottle } from "./login-throttle.js";
import { createSessions, type Sessions } from "./sessions.js";

/** What the dashboard routes share: the database, sessions and the sign-in throttle. */
export interface AuthServices {
  db: Database;
  /** PUBLIC_URL: links in invites, and the origin the dashboard's requests come from. */
  publicUrl: string;
  publicOrigin: string;
  sessions: Sessions;
  throttle: LoginThrottle;
}

export function createAuthServices(db: Database, config: Config): AuthServices {
  const url = new URL(config.publicUrl);
  return {
    db,
    publicUrl: config.publicUrl,
    publicOrigin: url.origin,
    sessions: createSessions(db, { secure: url.protocol === "https:" }),
    throttle: createLoginThrottle(db),
  };
}
