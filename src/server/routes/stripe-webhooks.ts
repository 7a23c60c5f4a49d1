import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { BillingError } from "../../billing/billing-error.js";
import { AppError } from "../../errors.js";
import type { SyncDeps } from "../../sync/deps.js";
import { receiveWebhook } from "../../sync/receive-webhook.js";

/** Stripe retries a delivery it finds too big; its events are far smaller. */
const BODY_LIMIT = 1024 * 1024;

const Params = Type.Object({ connection_id: Type.String({ maxLength: 64 }) });

/**
 * `POST /webhooks/stripe/:connection_id`: Stripe's events for one connection. The signature is
 * over the exact bytes sent, so the body is kept as bytes (this route's parser only). The
 * event is checked, claimed and queued, and the answer goes back at once; a duplicate gets
 * 200 too. No body is logged.
 */
export async function stripeWebhookRoutes(app: FastifyInstance, options: { deps: SyncDeps }) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: BODY_LIMIT }, (_r, body, done) =>
    done(null, body),
  );
  app.post("/webhooks/stripe/:connection_id", { schema: { params: Params } }, async (request) => {
    const { connection_id } = request.params as { connection_id: string };
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    try {
      const received = await receiveWebhook(options.deps, connection_id, {
        rawBody,
        headers: request.headers,
      });
      request.log.info(
        { connection: connection_id, event: received.eventId, queued: received.queued },
        "stripe webhook",
      );
      return { received: true, duplicate: !received.queued };
    } catch (error) {
      if (
        error instanceof BillingError &&
        (error.code === "invalid_signature" || error.code === "timestamp_too_old")
      ) {
        throw new AppError(error.code, error.message);
      }
      throw error;
    }
  });
}
