import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { FastifyInstance, RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface Operation {
  security?: unknown[];
  responses: Record<
    string,
    { content?: Record<string, { schema: object; example?: unknown }>; headers?: object }
  >;
}
interface Document {
  openapi: string;
  security: unknown[];
  paths: Record<string, Record<string, Operation>>;
}

let server: TestServer;
let doc: Document;
/** Every route the app registers, seen as Fastify registers it. */
const routes: Array<{ method: string; url: string }> = [];

beforeAll(async () => {
  // Fastify announces each new instance on this channel: a hook added here sees every route.
  const collect = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook("onRoute", (route: RouteOptions) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
  };
  subscribe("fastify.initialization", collect);
  try {
    server = await startTestServer();
  } finally {
    unsubscribe("fastify.initialization", collect);
  }
  doc = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as Document;
});
afterAll(() => server.close());

const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, "{$1}");

function operations(): Array<[string, string, Operation]> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [path, method, op] as [string, string, Operation]),
  );
}

describe("the OpenAPI document at /v1/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(doc) as unknown as Parameters<Validator["validate"]>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("documents every /v1 route the app registers, and nothing else", () => {
    // HEAD routes are Fastify's automatic twins of the GET ones.
    const v1 = routes.filter((r) => r.url.startsWith("/v1/") && r.method !== "HEAD");
    expect(v1.length).toBeGreaterThanOrEqual(10);
    const registered = v1.map((r) => `${r.method} ${toOpenApiPath(r.url)}`).sort();
    const documented = operations()
      .map(([path, method]) => `${method.toUpperCase()} ${path}`)
      .sort();
    expect(documented).toEqual(registered);
  });

  it("every API operation needs the bearer key and documents its errors and examples", () => {
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    for (const [path, method, op] of operations()) {
      const name = `${method} ${path}`;
      if (path === "/v1/openapi.json") {
        expect(op.security, name).toEqual([]);
        continue;
      }
      expect(op.security, name).toBeUndefined();
      for (const status of ["401", "429"]) {
        expect(op.responses[status]?.content?.["application/json"]?.example, name).toMatchObject({
          error: { code: expect.any(String) },
        });
      }
      expect(op.responses["429"]?.headers, name).toHaveProperty("retry-after");
      const success = Object.entries(op.responses).find(([status]) => status.startsWith("2"));
      expect(success, name).toBeDefined();
      const [status, reply] = success as [string, Operation["responses"][string]];
      if (status !== "202")
        expect(reply.content?.["application/json"]?.example, name).toBeDefined();
    }
  });

  it("describes the webhooks an endpoint receives, with their payload", () => {
    const webhooks = (doc as unknown as { webhooks: Record<string, { post: Operation }> }).webhooks;
    expect(Object.keys(webhooks).sort()).toEqual([
      "cancellation.created",
      "cancellation.updated",
      "retention.accepted",
      "retention.saved",
    ]);
    for (const [type, item] of Object.entries(webhooks)) {
      const body = (item.post as unknown as { requestBody: { content: Record<string, unknown> } })
        .requestBody.content["application/json"] as { schema: { properties: object } };
      expect(Object.keys(body.schema.properties), type).toEqual(
        expect.arrayContaining(["id", "type", "created_at", "account_id", "data"]),
      );
    }
  });

  it("its examples are valid instances of their schemas", () => {
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    let checked = 0;
    for (const [path, method, op] of operations()) {
      for (const [status, reply] of Object.entries(op.responses)) {
        const media = reply.content?.["application/json"];
        if (!media || media.example === undefined) continue;
        const validate = ajv.compile(media.schema);
        expect(validate(media.example), `${method} ${path} ${status}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe("the reference page at /docs/api", () => {
  it("loads with every asset from this server, under a CSP that allows no other host", async () => {
    const page = await fetch(`${server.url}/docs/api`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:|\*|unsafe-inline|unsafe-eval/);

    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.some((a) => a.endsWith("swagger-ui-bundle.js"))).toBe(true);
    expect(assets.some((a) => a.endsWith("swagger-ui.css"))).toBe(true);
    for (const asset of assets) {
      const url = new URL(asset, `${server.url}/docs/api`);
      expect(url.origin).toBe(server.url);
      const response = await fetch(url);
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
      const type = response.headers.get("content-type") ?? "";
      if (asset.endsWith(".js")) expect(type, asset).toMatch(/javascript/);
      if (asset.endsWith(".css")) expect(type, asset).toMatch(/css/);
    }

    // The page reads the same document.
    const initializer = await (
      await fetch(`${server.url}/docs/api/static/swagger-initializer.js`)
    ).text();
    expect(initializer).toContain("resolveUrl('./json')");
    const served = await (await fetch(`${server.url}/docs/api/json`)).json();
    expect(served).toEqual(doc);
  });
});
