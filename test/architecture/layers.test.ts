import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** Every source file under src/, relative to it ("server/app.ts"). */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [path.relative(SRC, full)] : [];
  });
}

// Static imports and re-exports (types too: a type import is a dependency of the design),
// side-effect imports and dynamic import().
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s(?:[^'"`;]*?\sfrom\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);
}

/** The part of the system a file or import target belongs to: `server`, `db`, ... */
function partOf(file: string): string {
  const parts = file.split(path.sep);
  return parts.length === 1 ? "root" : (parts[0] as string);
}

/** src-relative targets of a file's own imports (packages and node: builtins are skipped). */
function internalImports(file: string): string[] {
  const source = readFileSync(path.join(SRC, file), "utf8");
  return importsOf(source)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => path.relative(SRC, path.resolve(SRC, path.dirname(file), spec)));
}

/**
 * What each part may import. The dashboard
 * and the widget run in browsers and know the server only through the contract; the
 * database layer is the bottom of the stack; presenters turn its rows into the contract's
 * wire shapes for the server and for services below it (webhooks, jobs, billing), which
 * never reach up into the HTTP layer.
 */
const MAY_IMPORT: Record<string, readonly string[] | "anything"> = {
  contract: ["contract"],
  widget: ["widget"],
  dashboard: ["dashboard", "contract"],
  db: ["db"],
  presenters: ["presenters", "db", "contract"],
  webhooks: ["webhooks", "jobs", "db", "contract", "root", "presenters"],
  jobs: ["jobs", "db", "root"],
  // Providers and what is computed from their objects; the sync that stores them sits above.
  billing: ["billing", "jobs", "root"],
  // The demo account's fake billing history, brought in through the real sync, and its
  // retention offer and win-back campaign, checked as the dashboard's API checks them.
  demo: ["demo", "sync", "billing", "db", "jobs", "root", "offers", "mail"],
  // Providers' news into storage: backfill, webhooks, catch-up; the server and the CLI call it.
  sync: ["sync", "billing", "db", "jobs", "presenters", "webhooks", "contract", "root", "mail"],
  // Email: its transport, the reason email and its signed link, the job that sends.
  mail: ["mail", "jobs", "db", "root"],
  // Retention offers: who may get one, and carrying it out through a provider; proving saves
  // is a job that asks the provider through the sync's shared one per connection, and
  // queues webhooks presented in the contract's shape.
  offers: ["offers", "billing", "db", "contract", "root", "jobs", "sync", "presenters"],
  server: "anything",
  cli: "anything",
  root: ["root", "db"],
};

describe("the layers hold", () => {
  const files = sourceFiles();

  it("finds the source tree and its imports", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(internalImports(path.join("server", "app.ts"))).toContain(
      path.join("server", "services.js"),
    );
  });

  it("each part imports only what it may", () => {
    const broken: string[] = [];
    for (const file of files) {
      const part = partOf(file);
      const allowed = MAY_IMPORT[part];
      if (allowed === undefined) {
        broken.push(`${file}: src/${part} has no rule in MAY_IMPORT (add one)`);
        continue;
      }
      if (allowed === "anything") continue;
      for (const target of internalImports(file)) {
        if (!allowed.includes(partOf(target))) broken.push(`${file} imports ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("nothing imports the CLI, and the browser code imports no packages but the dashboard's", () => {
    const broken: string[] = [];
    for (const file of files) {
      const source = readFileSync(path.join(SRC, file), "utf8");
      const part = partOf(file);
      if (part !== "cli" && internalImports(file).some((t) => partOf(t) === "cli")) {
        broken.push(`${file} imports the CLI`);
      }
      const packages = importsOf(source).filter((spec) => !spec.startsWith("."));
      if (part === "widget" && packages.length > 0) broken.push(`${file} imports ${packages}`);
      if (part === "contract" && packages.some((p) => p !== "typebox")) {
        broken.push(`${file} imports ${packages}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("the import scanner", () => {
  it("sees every form of import", () => {
    const source = [
      'import { a } from "./a.js";',
      'import type { B } from "../b.js";',
      "import * as c from './c.js';",
      'export { d } from "./d.js";',
      'export type { E } from "./e.js";',
      'import "./side-effect.css";',
      'const f = await import("./f.js");',
      'import {\n  g,\n  type H,\n} from "./g.js";',
    ].join("\n");
    expect(importsOf(source)).toEqual([
      "./a.js",
      "../b.js",
      "./c.js",
      "./d.js",
      "./e.js",
      "./side-effect.css",
      "./f.js",
      "./g.js",
    ]);
  });
});
