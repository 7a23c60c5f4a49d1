import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { logoPng, pngImage } from "../helpers/images.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let owner: Client;
let member: Client;
let stranger: Client;
let base: string;

const PNG = logoPng();
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from("JFIF\0"),
  Buffer.alloc(64),
]);
const WEBP = Buffer.concat([
  Buffer.from("RIFF"),
  Buffer.from([0x40, 0, 0, 0]),
  Buffer.from("WEBPVP8L"),
  Buffer.alloc(64),
]);
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
);

beforeAll(async () => {
  server = await startTestServer({ listen: false });
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  await createUser(server, "member@example.com", { accounts: [[server.accountId, "member"]] });
  await createUser(server, "stranger@example.com");
  owner = await signIn(server, "owner@example.com");
  member = await signIn(server, "member@example.com");
  stranger = await signIn(server, "stranger@example.com");
  base = `/api/accounts/${server.accountId}/widget-settings`;
});
afterAll(() => server.close());

function upload(client: Client, image: Buffer, type = "image/png", url = `${base}/logo`) {
  return server.app.inject({
    method: "PUT",
    url,
    headers: { cookie: client.cookie, "x-csrf-token": client.csrf, "content-type": type },
    payload: image,
  });
}

async function logoUrl(): Promise<string | null> {
  const config = await server.app.inject({
    url: `/api/widget/config?access_token_id=${server.accessTokenId}`,
  });
  return config.json().brand.logo_url;
}

/** The public URL's path (the config names it under PUBLIC_URL). */
const pathOf = (url: string) => new URL(url).pathname;

describe("the widget's logo", () => {
  it("an owner uploads a PNG: settings, the widget's config and the public URL all have it", async () => {
    expect(await logoUrl()).toBeNull();
    const response = await upload(owner, PNG);
    expect(response.statusCode).toBe(200);
    const { logo } = response.json();
    expect(logo).toMatchObject({ content_type: "image/png", size: PNG.length });
    expect((await owner.request("GET", base)).json().settings.logo).toEqual(logo);

    const url = await logoUrl();
    expect(url).toMatch(
      new RegExp(
        `^http://127\\.0\\.0\\.1:3000/api/widget/logos/${server.accessTokenId}/[\\w-]{22}$`,
      ),
    );
    const served = await server.app.inject({ url: pathOf(url ?? "") });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(PNG)).toBe(true);
    expect(served.headers).toMatchObject({
      "content-type": "image/png",
      "cache-control": "public, max-age=31536000, immutable",
      "access-control-allow-origin": "*",
      "cross-origin-resource-policy": "cross-origin",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'",
    });
    const etag = served.headers.etag as string;
    expect(etag).toBe(`"${url?.split("/").at(-1)}"`);
    const again = await server.app.inject({
      url: pathOf(url ?? ""),
      headers: { "if-none-match": etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");

    // The dashboard's own copy, for members too, never cached.
    const mine = await member.request("GET", logo.url);
    expect(mine.statusCode).toBe(200);
    expect(mine.rawPayload.equals(PNG)).toBe(true);
    expect(mine.headers["content-type"]).toBe("image/png");
    expect(mine.headers["cache-control"]).toBe("no-store");
  });

  it.each([
    ["a JPEG", JPEG, "image/jpeg"],
    ["a WebP", WEBP, "image/webp"],
  ])("%s is recognised by its bytes, whatever type the upload declares", async (_, image, type) => {
    const response = await upload(owner, image, "application/octet-stream");
    expect(response.statusCode).toBe(200);
    expect(response.json().logo.content_type).toBe(type);
    const served = await server.app.inject({ url: pathOf((await logoUrl()) ?? "") });
    expect(served.headers["content-type"]).toBe(type);
    expect(served.rawPayload.equals(image)).toBe(true);
  });

  it.each([
    ["an SVG", SVG, "image/svg+xml"],
    ["a GIF", Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"), "image/gif"],
    ["HTML that claims to be a PNG", Buffer.from("<html><script>alert(1)</script>"), "image/png"],
    [
      "HTML behind a PNG's signature",
      Buffer.concat([PNG.subarray(0, 8), Buffer.from("<html><script>alert(1)</script>")]),
      "image/png",
    ],
    ["an empty body", Buffer.alloc(0), "image/png"],
  ])("refuses %s with 415 naming the field, and keeps the logo", async (_, image, type) => {
    await upload(owner, PNG);
    const before = await logoUrl();
    const response = await upload(owner, image, type);
    expect(response.statusCode).toBe(415);
    expect(response.json().error).toMatchObject({ code: "unsupported_media_type", field: "logo" });
    expect(response.json().error.message).toMatch(/PNG, JPEG or WebP/);
    expect(await logoUrl()).toBe(before);
  });

  it("takes 256 KB and refuses a byte more with 413 naming the field", async () => {
    const limit = 256 * 1024;
    const padded = (size: number) => Buffer.concat([PNG, Buffer.alloc(size - PNG.length)]);
    expect((await upload(owner, padded(limit))).statusCode).toBe(200);
    const before = await logoUrl();
    const response = await upload(owner, padded(limit + 1));
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({
      code: "body_too_large",
      field: "logo",
      message: "The logo is larger than 256 KB.",
    });
    expect(await logoUrl()).toBe(before);
  });

  it("only owners change it, only from the dashboard (CSRF), only on their own account", async () => {
    await upload(owner, PNG);
    const before = await logoUrl();
    const other = pngImage(4, 4, () => [255, 0, 0, 255]);

    for (const response of [
      await upload(member, other),
      await member.request("DELETE", `${base}/logo`),
    ]) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe("forbidden");
    }
    const noToken = await server.app.inject({
      method: "PUT",
      url: `${base}/logo`,
      headers: { cookie: owner.cookie, "content-type": "image/png" },
      payload: other,
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe("csrf_failed");
    const signedOut = await server.app.inject({
      method: "PUT",
      url: `${base}/logo`,
      headers: { "content-type": "image/png" },
      payload: other,
    });
    expect(signedOut.statusCode).toBe(401);

    // Another account's owner: as if the account did not exist.
    const theirs = await stranger.request("POST", "/api/accounts", { name: "Stranger Inc" });
    expect(theirs.statusCode).toBe(201);
    for (const response of [
      await upload(stranger, other),
      await stranger.request("DELETE", `${base}/logo`),
      await stranger.request("GET", `${base}/logo`),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe("not_found");
    }
    // Nor does their own public token reach this account's logo.
    const hash = before?.split("/").at(-1);
    const viaTheirToken = await server.app.inject({
      url: `/api/widget/logos/${theirs.json().access_token_id}/${hash}`,
    });
    expect(viaTheirToken.statusCode).toBe(404);
    expect(await logoUrl()).toBe(before);
  });

  it("a new logo gets a new URL; the old URL stops answering", async () => {
    await upload(owner, PNG);
    const old = (await logoUrl()) ?? "";
    const next = pngImage(8, 8, () => [15, 118, 110, 255]);
    await upload(owner, next);
    const current = (await logoUrl()) ?? "";
    expect(current).not.toBe(old);
    expect((await server.app.inject({ url: pathOf(old) })).statusCode).toBe(404);
    expect((await server.app.inject({ url: pathOf(current) })).rawPayload.equals(next)).toBe(true);
  });

  it("an owner removes it: gone from settings, config and its public URL", async () => {
    await upload(owner, PNG);
    const old = (await logoUrl()) ?? "";
    const { url } = (await owner.request("GET", base)).json().settings.logo;
    const removed = await owner.request("DELETE", `${base}/logo`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toEqual({ logo: null });
    expect((await owner.request("GET", base)).json().settings.logo).toBeNull();
    expect(await logoUrl()).toBeNull();
    expect((await server.app.inject({ url: pathOf(old) })).statusCode).toBe(404);
    expect((await owner.request("GET", url)).statusCode).toBe(404);
    // Removing twice is no error.
    expect((await owner.request("DELETE", `${base}/logo`)).statusCode).toBe(200);
  });

  it("a revoked token's logo URL answers like the config does", async () => {
    await upload(owner, PNG);
    const url = (await logoUrl()) ?? "";
    const revoked = await owner.request(
      "DELETE",
      `/api/accounts/${server.accountId}/embed-tokens/${server.accessTokenId}`,
    );
    expect(revoked.statusCode).toBe(200);
    const response = await server.app.inject({ url: pathOf(url) });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("invalid_access_token");
  });
});
