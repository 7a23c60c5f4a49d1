import { readFileSync } from "node:fs";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WIDGET_DIR } from "../../src/paths.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
});
afterAll(() => server.close());

describe("GET /barecancel.js", () => {
  it.each([
    ["/barecancel.js", "barecancel.js"],
    ["/js/application.js", "barecancel.js"],
    ["/barecancel-offer.js", "barecancel-offer.js"],
  ])("%s serves brotli, gzip or plain", async (url, file) => {
    const built = readFileSync(path.join(WIDGET_DIR, file));
    const br = await server.app.inject({
      url,
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    expect(br.statusCode).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.rawPayload)).toEqual(built);
    expect(br.headers["content-type"]).toBe("application/javascript; charset=utf-8");
    expect(br.headers["cache-control"]).toMatch(/public, max-age=86400/);
    expect(br.headers.vary).toBe("Accept-Encoding");

    const gzip = await server.app.inject({ url, headers: { "accept-encoding": "gzip" } });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.rawPayload)).toEqual(built);

    const plain = await server.app.inject({ url, headers: { "accept-encoding": "br;q=0" } });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.rawPayload).toEqual(built);
  });

  it.each(["/barecancel.js", "/barecancel-offer.js"])(
    "%s answers 304 to a matching ETag",
    async (url) => {
      const first = await server.app.inject({ url });
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await server.app.inject({
        url,
        headers: { "if-none-match": `W/${etag}` },
      });
      expect(again.statusCode).toBe(304);
      expect(again.rawPayload).toHaveLength(0);
      const changed = await server.app.inject({
        url,
        headers: { "if-none-match": '"something-else"' },
      });
      expect(changed.statusCode).toBe(200);
    },
  );
});

describe("health", () => {
  it("/healthz and /readyz answer ok with the database engine", async () => {
    expect((await server.app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = (await server.app.inject({ url: "/readyz" })).json();
    expect(ready).toEqual({ status: "ok", database: server.database.engine });
  });
});
