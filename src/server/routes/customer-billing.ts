import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import { CustomerBillingQuery, CustomerBillingReply } from "../../contract/cancellations.js";
import { toApiCustomerBilling } from "../../presenters/cancellations.js";
import { membershipOf } from "../auth/require-account.js";

/**
 * A customer's subscriptions and cancellations as the billing provider reported them, for the
 * customer's page. The id goes in the query, as on the page itself: any string survives there.
 */
export async function customerBillingRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    "/customers/billing",
    {
      schema: {
        params: AccountParams,
        querystring: CustomerBillingQuery,
        response: { 200: CustomerBillingReply },
      },
    },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      const billing = await app.queries.customerBilling(accountId, request.query.customer_oid);
      return toApiCustomerBilling(billing);
    },
  );
}
