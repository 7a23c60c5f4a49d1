import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import {
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DomainError } from "./domain-error.js";
import { currentProcess, isRunning, type ProcessIdentity } from "./process-liveness.js";

/*
 * PGlite is a single-process database: two processes writing one data directory corrupt it.
 * The directory's lock is the directory `cancel-insights.lock/` holding one file,
 * `<token>.json`, that names the holder (a ProcessIdentity).
 *
 * - Taking it is one rename of a prepared directory onto that path, which fails while the
 *   lock exists with its file: of any number of racing processes, exactly one wins.
 * - A holder in our own PID space is judged by whether it runs, never by a clock: a stalled
 *   one (paused container, long GC) keeps its lock, a dead one's is taken at once.
 * - A holder elsewhere (another host on a network share, another container or boot) cannot
 *   be asked: its lock holds while its heartbeat, the directory's mtime renewed every 5 s,
 *   is younger than 30 s. So does a lock with no readable holder, such as the empty lock
 *   directory of versions before this one (which judge by that mtime alone, stale after
 *   10 s: the heartbeat keeps them out too).
 * - A dead holder's file is removed by its own token, so a process that judged it dead can
 *   never remove a newer holder's lock by mistake; then the rename decides again.
 * - The holder checks that its file is still there before every query and at each
 *   heartbeat: if someone took the lock, it stops at once instead of writing beside them.
 */

const LOCK_NAME = "cancel-insights.lock";
const HEARTBEAT_MS = 5_000;
const STALE_MS = 30_000;
/** A lock directory without a holder is mostly a takeover caught mid-way: look again soon. */
const SETTLE_MS = 100;
const ROUNDS = 20;

export interface DataDirLock {
  /** Ends the process at once when the lock was taken from us; cheap enough for every query. */
  assertHeld(): void;
  release(): Promise<void>;
}

interface FoundLock {
  /** The holder's file; null when the lock directory has none (an older version's lock). */
  file: string | null;
  holder: ProcessIdentity | null;
  renewedAt: number;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

async function ignoring(codes: string[], action: Promise<unknown>): Promise<void> {
  try {
    await action;
  } catch (error) {
    if (!codes.includes(errorCode(error) ?? "")) throw error;
  }
}

function parseHolder(text: string): ProcessIdentity | null {
  try {
    const holder = JSON.parse(text) as Partial<ProcessIdentity>;
    // A pid of 0 or below would make the liveness check signal a whole process group.
    if (!Number.isInteger(holder.pid) || (holder.pid as number) <= 0) return null;
    if (typeof holder.host !== "string" || typeof holder.scope !== "string") return null;
    return { ...holder, started: holder.started ?? null } as ProcessIdentity;
  } catch {
    return null;
  }
}

/** The lock as it is now; null when there is none (or it went while we looked). */
async function inspect(lockDir: string): Promise<FoundLock | null> {
  try {
    const [names, info] = await Promise.all([readdir(lockDir), stat(lockDir)]);
    const name = names.find((entry) => entry.endsWith(".json"));
    if (!name) return { file: null, holder: null, renewedAt: info.mtimeMs };
    const file = path.join(lockDir, name);
    return { file, holder: parseHolder(await readFile(file, "utf8")), renewedAt: info.mtimeMs };
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw error;
  }
}

function isHeld(found: FoundLock, me: ProcessIdentity): boolean {
  if (found.holder?.scope === me.scope) return isRunning(found.holder);
  return Date.now() - found.renewedAt < STALE_MS;
}

/**
 * Renames our prepared lock into place; false when a lock is there already. POSIX lets the
 * rename replace an empty directory: take() calls this only once no live holder is there.
 */
async function claim(prepared: string, lockDir: string): Promise<boolean> {
  try {
    await rename(prepared, lockDir);
    return true;
  } catch (error) {
    // EPERM: Windows refuses to rename onto an existing directory.
    if (["EEXIST", "ENOTEMPTY", "EPERM"].includes(errorCode(error) ?? "")) return false;
    throw error;
  }
}

function lockedError(dataDir: string, found: FoundLock, me: ProcessIdentity): DomainError {
  const { holder } = found;
  let who: string;
  let remedy = "Stop that process first";
  if (holder?.scope === me.scope) {
    who = `pid ${holder.pid}`;
    // Without /proc a reused pid looks alive (see isRunning): say how to get out.
    if (holder.started === null) {
      remedy += ` (if pid ${holder.pid} is not cancel-insights, delete ${path.join(dataDir, LOCK_NAME)})`;
    }
  } else {
    const age = Math.max(0, Math.round((Date.now() - found.renewedAt) / 1000));
    const where =
      holder?.host === me.host
        ? "in another container or boot of this host"
        : `on host ${holder?.host}`;
    who = `${holder ? `pid ${holder.pid} ${where}` : "an older version"}, lock renewed ${age} s ago`;
    remedy += ` or wait: a lock not renewed for ${STALE_MS / 1000} s is free`;
  }
  return new DomainError(
    "data_dir_locked",
    `The data directory ${dataDir} is in use by another cancel-insights process (${who}); ` +
      `embedded PGlite serves one process at a time. ${remedy}, ` +
      "or set DATABASE_URL to use PostgreSQL from several processes.",
  );
}

async function take(
  dataDir: string,
  lockDir: string,
  prepared: string,
  me: ProcessIdentity,
): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const found = await inspect(lockDir);
    if (found && isHeld(found, me)) {
      if (found.file === null && round < 3) {
        await sleep(SETTLE_MS);
        continue;
      }
      throw lockedError(dataDir, found, me);
    }
    if (found) {
      if (found.file) await ignoring(["ENOENT"], unlink(found.file));
      await ignoring(["ENOENT", "ENOTEMPTY", "EEXIST"], rmdir(lockDir));
    }
    if (await claim(prepared, lockDir)) return;
  }
  throw new DomainError(
    "data_dir_locked",
    `Could not take the lock on the data directory ${dataDir}: other processes keep taking it.`,
  );
}

function stopAtOnce(dataDir: string): never {
  console.error(
    `cancel-insights: lost the lock on the data directory ${dataDir} (another process took ` +
      "it or it was deleted): stopping at once rather than write beside another process.",
  );
  process.exit(1);
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const lockDir = path.join(dataDir, LOCK_NAME);
  const token = randomBytes(8).toString("hex");
  // Prepared beside the lock: a rename cannot cross file systems.
  const prepared = `${lockDir}.${token}`;
  const me = currentProcess();
  await mkdir(prepared);
  try {
    await writeFile(path.join(prepared, `${token}.json`), JSON.stringify(me));
    await take(dataDir, lockDir, prepared, me);
  } finally {
    await rm(prepared, { recursive: true, force: true });
  }

  const ownFile = path.join(lockDir, `${token}.json`);
  let released = false;
  const assertHeld = () => {
    if (released) return;
    try {
      statSync(ownFile);
    } catch {
      stopAtOnce(dataDir);
    }
  };
  const heartbeat = setInterval(() => {
    assertHeld();
    const now = new Date();
    // A renewal that fails shows at the next check (the lock is gone) or only to a host
    // sharing the directory, which may then take a lock we cannot keep fresh.
    utimes(lockDir, now, now).catch(() => {});
  }, HEARTBEAT_MS).unref();

  return {
    assertHeld,
    async release() {
      released = true;
      clearInterval(heartbeat);
      await rm(ownFile, { force: true });
      // Not empty: someone took the lock the moment it was free, which is theirs to keep.
      await ignoring(["ENOENT", "ENOTEMPTY", "EEXIST"], rmdir(lockDir));
    },
  };
}
