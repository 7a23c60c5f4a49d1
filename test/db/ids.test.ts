import { describe, expect, it } from "vitest";
import { newId, randomToken } from "../../src/db/ids.js";

describe("ids", () => {
  it("are prefixed base62 of 22 characters, unique, using every character evenly", () => {
    const ids = Array.from({ length: 20_000 }, () => newId("evt"));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^evt_[0-9A-Za-z]{22}$/);
    const counts = new Map<string, number>();
    for (const id of ids) for (const c of id.slice(4)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (ids.length * 22) / 62;
    for (const count of counts.values())
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.1);
  });

  it("tokens of any length", () => {
    expect(randomToken(32)).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(randomToken(5000)).toHaveLength(5000);
  });
});
