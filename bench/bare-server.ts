/**
 * The baseline for the ingest bench: Fastify in its own process, doing the part of ingest
 * that has nothing to do with us (HTTP, parsing the same text/plain JSON body, a JSON
 * reply) and nothing else. Ingest throughput is reported as a ratio to this.
 */
import Fastify from "fastify";
import { serveParent } from "./lib.js";

const app = Fastify({ logger: false });
app.removeContentTypeParser("text/plain");
app.addContentTypeParser(
  "text/plain",
  { parseAs: "string" },
  app.getDefaultJsonParser("error", "error"),
);
app.post("/bare", async (_request, reply) => reply.status(202).send({ ok: true }));

await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
if (!address || typeof address === "string") throw new Error("server has no port");

serveParent({ url: `http://127.0.0.1:${address.port}` }, {}, () => app.close());
