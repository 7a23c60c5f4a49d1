import type { JobContext, JobServices } from "../../src/jobs/job-kind.js";

/**
 * A job context as a worker gives one, to run a handler by hand (two "workers" at once);
 * the lease is not what such tests are about.
 */
export function jobContext(services: JobServices, accountId: string, attempt = 1): JobContext {
  return {
    id: "job_test",
    accountId,
    attempt,
    progress: null,
    signal: new AbortController().signal,
    heartbeat: async () => {},
    setProgress: async () => {},
    services,
  };
}
