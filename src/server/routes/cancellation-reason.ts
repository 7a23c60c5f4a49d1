import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import {
  CancellationParams,
  CancellationReasonBody,
  CancellationReasonReply,
} from "../../contract/cancellations.js";
import { AppError } from "../../errors.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";
import { activeReason } from "../reason-editor.js";

/**
 * The owner corrects the reason a cancellation is put down to: the correction wins over a
 * linked answer's and the provider's feedback (src/db/cancellation-reason.ts).
 */
export async function cancellationReasonRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { cancellations, reasons } = app.repos;

  app.patch(
    "/cancellations/:cancellation_id",
    {
      onRequest: requireOwner,
      schema: {
        params: CancellationParams,
        body: CancellationReasonBody,
        response: { 200: CancellationReasonReply },
      },
    },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      const reasonId = request.body.reason_id;
      if (reasonId !== null) await activeReason(reasons, accountId, reasonId);
      const updated = await cancellations.setReason(
        accountId,
        request.params.cancellation_id,
        reasonId,
      );
      if (!updated) throw new AppError("not_found", "No such cancellation.");
      return { cancellation: updated.after };
    },
  );
}
