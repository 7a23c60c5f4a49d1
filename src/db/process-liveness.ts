import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";

/** A process as a lock records it, so that another process can tell whether it still runs. */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /**
   * The PID space the pid belongs to: host, boot and (Linux) PID namespace. A pid means
   * nothing outside it: on another host sharing the directory, after a reboot, or in another
   * container on this host (even one with the same hostname), the same number is another
   * process or none.
   */
  scope: string;
  /** Linux: the start time from /proc/PID/stat, which tells a reused pid apart. */
  started: string | null;
}

function readOrNull(read: () => string): string | null {
  try {
    return read().trim();
  } catch {
    return null;
  }
}

// After the command name, which may itself hold spaces and parentheses: field 3 (state) is
// at index 0, field 22 (start time since boot, in clock ticks) at index 19.
const STATE = 0;
const START_TIME = 19;

function procStat(pid: number): string[] | null {
  const stat = readOrNull(() => readFileSync(`/proc/${pid}/stat`, "utf8"));
  return stat === null ? null : stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

export function currentProcess(): ProcessIdentity {
  const host = hostname();
  const boot = readOrNull(() => readFileSync("/proc/sys/kernel/random/boot_id", "utf8"));
  const pidNamespace = readOrNull(() => readlinkSync("/proc/self/ns/pid"));
  return {
    pid: process.pid,
    host,
    scope: JSON.stringify([host, boot, pidNamespace]),
    started: procStat(process.pid)?.[START_TIME] ?? null,
  };
}

/** Whether `holder`, a process of our own scope, still runs (stopped or paused counts). */
export function isRunning(holder: ProcessIdentity): boolean {
  if (holder.started !== null) {
    const stat = procStat(holder.pid);
    // A zombie has ended and only waits for its parent to collect its exit status.
    return stat !== null && stat[STATE] !== "Z" && stat[START_TIME] === holder.started;
  }
  // No /proc (macOS, Windows): signal 0 only asks whether the pid exists; a reused pid
  // looks alive, which keeps the lock rather than risk the data.
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, run by another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
