import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postWidgetEvent } from "../helpers/api.js";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let owner: Client;
let base: string;
let reasonId: string;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  owner = await signIn(server, "owner@example.com");
  base = `/api/accounts/${server.accountId}`;
  const config = await server.app.inject({
    url: `/api/widget/config?access_token_id=${server.accessTokenId}`,
  });
  reasonId = config.json().reasons[0].id;
});
afterAll(() => server.close());

let eventCounter = 0;
function widgetEvent(accessTokenId: string) {
  eventCounter++;
  return postWidgetEvent(server, {
    access_token_id: accessTokenId,
    customer_oid: "cus_keys",
    reason_id: reasonId,
    test_mode: true,
    idempotency_key: `keys-test-${eventCounter}`,
  });
}

describe("embed tokens", () => {
  it("lists the account's token, creates named ones that work in the widget", async () => {
    const list = await owner.request("GET", `${base}/embed-tokens`);
    expect(list.statusCode).toBe(200);
    expect(list.json().embed_tokens).toEqual([
      {
        id: server.accessTokenId,
        name: "Default",
        created_at: expect.any(String),
        revoked_at: null,
      },
    ]);
    const created = await owner.request("POST", `${base}/embed-tokens`, { name: "Marketing site" });
    expect(created.statusCode).toBe(201);
    const token = created.json().embed_token;
    expect(token).toMatchObject({
      id: expect.stringMatching(/^tok_/),
      name: "Marketing site",
      revoked_at: null,
    });
    expect((await widgetEvent(token.id)).statusCode).toBe(201);
  });

  it("rotation gives a new token under the same name and the widget refuses the old one", async () => {
    const created = (await owner.request("POST", `${base}/embed-tokens`, { name: "App" })).json()
      .embed_token;
    const rotated = await owner.request("POST", `${base}/embed-tokens/${created.id}/rotate`);
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json().embed_token;
    expect(fresh.id).not.toBe(created.id);
    expect(fresh.name).toBe("App");
    const old = await widgetEvent(created.id);
    expect(old.statusCode).toBe(403);
    expect(old.json().error.code).toBe("invalid_access_token");
    expect((await widgetEvent(fresh.id)).statusCode).toBe(201);
    // A revoked token cannot be rotated again.
    const twice = await owner.request("POST", `${base}/embed-tokens/${created.id}/rotate`);
    expect(twice.statusCode).toBe(404);
  });

  it("a revoked token is refused by POST /api/widget/events", async () => {
    const created = (await owner.request("POST", `${base}/embed-tokens`, { name: "Old" })).json()
      .embed_token;
    expect((await widgetEvent(created.id)).statusCode).toBe(201);
    const revoked = await owner.request("DELETE", `${base}/embed-tokens/${created.id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().embed_token.revoked_at).toEqual(expect.any(String));
    const refused = await widgetEvent(created.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("invalid_access_token");
    // Revoking again is harmless; an unknown id is 404.
    expect((await owner.request("DELETE", `${base}/embed-tokens/${created.id}`)).statusCode).toBe(
      200,
    );
    expect((await owner.request("DELETE", `${base}/embed-tokens/tok_unknown`)).statusCode).toBe(
      404,
    );
  });

  it("names are required and bounded", async () => {
    for (const body of [
      {},
      { name: "" },
      { name: "   " },
      { name: "x".repeat(101) },
      { name: 5 },
    ]) {
      const response = await owner.request("POST", `${base}/embed-tokens`, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.field).toBe("name");
    }
  });
});

describe("API secret keys", () => {
  const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

  it("shows the secret once, in the create reply only, and stores only its hash", async () => {
    const created = await owner.request("POST", `${base}/api-keys`, { name: "Billing sync" });
    expect(created.statusCode).toBe(201);
    const key = created.json().api_key;
    expect(key).toMatchObject({
      id: expect.stringMatching(/^key_/),
      name: "Billing sync",
      secret: expect.stringMatching(/^sk_[A-Za-z0-9]{32}$/),
      revoked_at: null,
    });
    expect(key.prefix).toBe(key.secret.slice(0, 7));

    const list = await owner.request("GET", `${base}/api-keys`);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(key.secret);
    const listed = list.json().api_keys.find((k: { id: string }) => k.id === key.id);
    expect(listed).toEqual({
      id: key.id,
      name: "Billing sync",
      prefix: key.prefix,
      created_at: key.created_at,
      revoked_at: null,
    });
    expect(Object.keys(listed)).not.toContain("secret");

    const row = await server.database.db
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", key.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(sha256(key.secret));
    expect(JSON.stringify(row)).not.toContain(key.secret);
  });

  it("rotation revokes the old key and shows the new secret once", async () => {
    const old = (await owner.request("POST", `${base}/api-keys`, { name: "CI" })).json().api_key;
    const rotated = await owner.request("POST", `${base}/api-keys/${old.id}/rotate`);
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json().api_key;
    expect(fresh).toMatchObject({
      name: "CI",
      secret: expect.stringMatching(/^sk_/),
      revoked_at: null,
    });
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.secret).not.toBe(old.secret);
    const keys = (await owner.request("GET", `${base}/api-keys`)).json().api_keys as Array<{
      id: string;
      revoked_at: string | null;
    }>;
    expect(keys.find((k) => k.id === old.id)?.revoked_at).toEqual(expect.any(String));
    expect(keys.find((k) => k.id === fresh.id)?.revoked_at).toBeNull();
    const db = server.database.db;
    const active = await db
      .selectFrom("api_keys")
      .select("id")
      .where("secret_hash", "in", [sha256(old.secret), sha256(fresh.secret)])
      .where("revoked_at", "is", null)
      .execute();
    expect(active.map((k) => k.id)).toEqual([fresh.id]);
  });

  it("revokes a key", async () => {
    const key = (await owner.request("POST", `${base}/api-keys`, { name: "Temp" })).json().api_key;
    const revoked = await owner.request("DELETE", `${base}/api-keys/${key.id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().api_key).toMatchObject({ id: key.id, revoked_at: expect.any(String) });
    expect(revoked.body).not.toContain(key.secret);
    expect((await owner.request("POST", `${base}/api-keys/${key.id}/rotate`)).statusCode).toBe(404);
    expect((await owner.request("DELETE", `${base}/api-keys/key_unknown`)).statusCode).toBe(404);
  });

  it("members see keys and tokens but only owners change them", async () => {
    await createUser(server, "member@example.com", { accounts: [[server.accountId, "member"]] });
    const member = await signIn(server, "member@example.com");
    expect((await member.request("GET", `${base}/api-keys`)).statusCode).toBe(200);
    expect((await member.request("GET", `${base}/embed-tokens`)).statusCode).toBe(200);
    for (const [method, url, body] of [
      ["POST", `${base}/api-keys`, { name: "sneaky" }],
      ["POST", `${base}/embed-tokens`, { name: "sneaky" }],
      ["POST", `${base}/embed-tokens/${server.accessTokenId}/rotate`, undefined],
      ["DELETE", `${base}/embed-tokens/${server.accessTokenId}`, undefined],
    ] as const) {
      const response = await member.request(method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json().error.code).toBe("forbidden");
    }
    expect((await widgetEvent(server.accessTokenId)).statusCode).toBe(201);
  });
});
