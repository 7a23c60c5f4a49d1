import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { DatabaseHandle } from "../../db/database.js";
import { AppError } from "../../errors.js";

/** A readiness probe answers within this, database or not: load balancers time out at 2 s. */
const READY_WITHIN_MS = 1000;

export async function healthRoutes(app: FastifyInstance, options: { database: DatabaseHandle }) {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new AppError("database_unavailable", "The database did not answer in time.")),
        READY_WITHIN_MS,
      );
    });
    try {
      await Promise.race([sql`select 1`.execute(options.database.db), late]);
      return { status: "ok", database: options.database.engine };
    } catch (error) {
      reply.log.warn({ err: error }, "database not ready");
      return reply
        .status(503)
        .header("retry-after", "5")
        .send({
          status: "unavailable",
          error: { code: "database_unavailable", message: "The database is not reachable." },
        });
    } finally {
      clearTimeout(timer);
    }
  });
}
