import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUNDLE = `${ROOT}dist/node/cli.js`;
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The package a bare import names: `@scope/name/sub` → `@scope/name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

let source = "";
beforeAll(() => {
  execFileSync(process.execPath, [`${ROOT}bin/build-server.js`], { stdio: "ignore" });
  source = readFileSync(BUNDLE, "utf8");
});

describe("npm start runs compiled JavaScript", () => {
  it("the CLI bundle needs only the production dependencies at run time", () => {
    // Top-level import statements (esbuild writes one a line) and dynamic import()s.
    const statements = /^(?:import|export)\b[^;]*?["']([^"']+)["'];?$/gm;
    const dynamic = /\bimport\(\s*["']([^"']+)["']\s*\)/g;
    const specifiers = new Set(
      [...source.matchAll(statements), ...source.matchAll(dynamic)]
        .map((m) => m[1] as string)
        .filter((s) => !s.startsWith(".")),
    );
    const packages = [...specifiers]
      .filter((s) => !s.startsWith("node:") && !builtinModules.includes(s))
      .map(packageOf);
    expect(packages).toContain("fastify");
    const notInstalledInProduction = packages.filter((p) => !(p in pkg.dependencies));
    expect(notInstalledInProduction).toEqual([]);
  });

  it("loads no TypeScript at run time: the bin imports only the bundle and its builder", () => {
    const bin = readFileSync(`${ROOT}bin/cancel-insights.js`, "utf8");
    expect(bin).not.toMatch(/tsx|\.ts["']/);
    expect(source).not.toMatch(/from\s*["'][^"']*\.ts["']/);
  });

  it("what only the browser bundles use is a dev dependency", () => {
    for (const name of ["react", "react-dom", "@observablehq/plot", "tsx", "esbuild"]) {
      expect(pkg.dependencies).not.toHaveProperty(name);
      expect(pkg.devDependencies).toHaveProperty(name);
    }
  });
});
