import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { BillingError } from "../../billing/billing-error.js";
import { AppError } from "../../errors.js";
import type { SyncDeps } from "../../sync/deps.js";
import { receiveWebhook } from "../../sync/receive-webhook.js";

/** Providers retry a delivery they find too big; their events are far smaller. */
const BODY_LIMIT = 1024 * 1024;

const Params = Type.Object({
  provider: Type.String({ maxLength: 32 }),
  connection_id: Type.String({ maxLength: 64 }),
});

/**
 * `POST /webhooks/:provider/:connection_id` (`/webhooks/stripe/…` for Stripe): a billing
 * provider's events for one connection. Signatures are over the exact bytes sent, so the body
 * is kept as bytes (this route's parser only). The event is checked by the provider's kind,
 * claimed and queued, and the answer goes back at once; a duplicate gets 200 too. No body is
 * logged.
 */
export async function billingWebhookRoutes(app: FastifyInstance, options: { deps: SyncDeps }) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: BODY_LIMIT }, (_r, body, done) =>
    done(null, body),
  );
  app.post(
    "/webhooks/:provider/:connection_id",
    { schema: { params: Params } },
    async (request) => {
      const { provider, connection_id } = request.params as {
        provider: string;
        connection_id: string;
      };
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      try {
        const received = await receiveWebhook(
          options.deps,
          { provider, connectionId: connection_id },
          { rawBody, headers: request.headers },
        );
        request.log.info(
          { provider, connection: connection_id, event: received.eventId, queued: received.queued },
          "billing webhook",
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
    },
  );
}
