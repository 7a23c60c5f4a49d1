import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ensureWidgetBuilt, WIDGET_FILE } from "../helpers/browser.js";

const GZIP_BUDGET = 6144;

describe("the built widget", () => {
  ensureWidgetBuilt();
  const code = readFileSync(WIDGET_FILE);

  it(`stays under ${GZIP_BUDGET} bytes gzipped`, () => {
    expect(gzipSync(code, { level: 9 }).length).toBeLessThan(GZIP_BUDGET);
  });

  it("is one self-contained script: no imports, no eval, no innerHTML", () => {
    const text = code.toString("utf8");
    expect(text).not.toMatch(/\bimport\s*\(|\brequire\(|\beval\(|new Function|innerHTML/);
    expect(readFileSync(`${WIDGET_FILE}.gz`).length).toBeGreaterThan(0);
    expect(readFileSync(`${WIDGET_FILE}.br`).length).toBeGreaterThan(0);
  });
});
