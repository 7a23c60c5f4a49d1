import { describe, expect, it } from "vitest";
import { csvCell } from "../../src/presenters/event-csv.js";

describe("CSV cells never become spreadsheet formulas", () => {
  it.each([
    ["=HYPERLINK(1)"],
    ["+1+1"],
    ["-2+3"],
    ["@SUM(A1)"],
    ["\t=1"],
    ["\r=1"],
    ["\n=1+2"],
    ["＝HYPERLINK(1)"],
    ["＋1"],
    ["－1"],
    ["＠SUM(A1)"],
  ])("%j gets a leading apostrophe", (text) => {
    expect(csvCell(text)).toBe(`'${text}`);
  });

  it.each([["Too expensive"], ["cus_123"], ["1 = 1"], [""], [null]])("%j stays as it is", (v) => {
    expect(csvCell(v)).toBe(v ?? "");
  });
});
