import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { DatabaseHandle } from "../../db/database.js";

export async function healthRoutes(app: FastifyInstance, options: { database: DatabaseHandle }) {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    try {
      await sql`select 1`.execute(options.database.db);
      return { status: "ok", database: options.database.engine };
    } catch (error) {
      reply.log.warn({ err: error }, "database not ready");
      return reply.status(503).send({
        status: "unavailable",
        error: { code: "database_unavailable", message: "The database is not reachable." },
      });
    }
  });
}
