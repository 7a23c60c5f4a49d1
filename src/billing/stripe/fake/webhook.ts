import Stripe from "stripe";

export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
}

/**
 * An event as Stripe delivers it: the JSON body and a `Stripe-Signature` made with the SDK's
 * own scheme (HMAC-SHA256 of `timestamp.body` with the endpoint's secret).
 */
export function signedWebhook(
  event: Stripe.Event,
  secret: string,
  timestampSeconds: number,
): SignedWebhook {
  const body = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret,
    timestamp: timestampSeconds,
  });
  return {
    body,
    headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signature },
  };
}

/** POSTs a signed webhook; the receiver's status code. */
export async function postWebhook(url: string, webhook: SignedWebhook): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: webhook.headers,
    body: webhook.body,
  });
  await response.arrayBuffer();
  return response.status;
}
