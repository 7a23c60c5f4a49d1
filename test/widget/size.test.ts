import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ensureWidgetBuilt, OFFER_STEP_FILE, WIDGET_FILE } from "../helpers/browser.js";

// The same budgets as bin/build-widget.js: every page with a cancel button loads the base,
// only accounts with offers load the offer step.
const SCRIPTS = [
  { name: "the widget", file: WIDGET_FILE, budget: 6144 },
  { name: "the offer step", file: OFFER_STEP_FILE, budget: 2048 },
];

describe.each(SCRIPTS)("$name, built", ({ file, budget }) => {
  ensureWidgetBuilt();
  const code = readFileSync(file);

  it(`stays under ${budget} bytes gzipped`, () => {
    expect(gzipSync(code, { level: 9 }).length).toBeLessThan(budget);
  });

  it("is one self-contained script: no imports, no eval, no innerHTML", () => {
    const text = code.toString("utf8");
    expect(text).not.toMatch(/\bimport\s*\(|\brequire\(|\beval\(|new Function|innerHTML/);
    expect(readFileSync(`${file}.gz`).length).toBeGreaterThan(0);
    expect(readFileSync(`${file}.br`).length).toBeGreaterThan(0);
  });
});
