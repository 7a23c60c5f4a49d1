import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUNDLE = `${ROOT}dist/node/cli.js`;
const CHUNKS = `${ROOT}dist/node/chunks`;
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The package a bare import names: `@scope/name/sub` → `@scope/name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

// Top-level import statements (esbuild writes one a line) and dynamic import()s.
const STATIC_IMPORT = /^(?:import|export)\b[^;]*?["']([^"']+)["'];?$/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

const isPackage = (specifier: string) =>
  !specifier.startsWith(".") &&
  !specifier.startsWith("node:") &&
  !builtinModules.includes(specifier);

/** The packages a file of the bundle imports, and the files of the bundle it imports. */
function importsOf(file: string, patterns: RegExp[]) {
  const specifiers = patterns.flatMap((pattern) =>
    [...readFileSync(file, "utf8").matchAll(pattern)].map((m) => m[1] as string),
  );
  return {
    packages: specifiers.filter(isPackage).map(packageOf),
    files: specifiers
      .filter((s) => s.startsWith("."))
      .map((s) => path.resolve(path.dirname(file), s)),
  };
}

/** The packages loaded with `file`: through its static imports, not the dynamic ones. */
function loadedWith(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const imports = importsOf(file, [STATIC_IMPORT]);
  for (const name of imports.packages) packages.add(name);
  for (const next of imports.files) for (const name of loadedWith(next, seen)) packages.add(name);
  return packages;
}

let files: string[] = [];
beforeAll(() => {
  execFileSync(process.execPath, [`${ROOT}bin/build-server.js`], { stdio: "ignore" });
  files = [BUNDLE, ...readdirSync(CHUNKS).map((name) => path.join(CHUNKS, name))];
});

describe("npm start runs compiled JavaScript", () => {
  it("the CLI bundle needs only the production dependencies at run time", () => {
    const packages = files.flatMap(
      (file) => importsOf(file, [STATIC_IMPORT, DYNAMIC_IMPORT]).packages,
    );
    expect(packages).toContain("fastify");
    const notInstalledInProduction = packages.filter((p) => !(p in pkg.dependencies));
    expect(notInstalledInProduction).toEqual([]);
  });

  it("loads no TypeScript at run time: the bin imports only the bundle and its builder", () => {
    const bin = readFileSync(`${ROOT}bin/cancel-insights.js`, "utf8");
    expect(bin).not.toMatch(/tsx|\.ts["']/);
    for (const file of files) {
      expect(readFileSync(file, "utf8")).not.toMatch(/(from\s*|import\()["'][^"']*\.ts["']/);
    }
  });

  it("a command loads its packages when it runs: the entry loads none of the server's", () => {
    expect([...loadedWith(BUNDLE)]).toEqual([]);
    const start = files.find((file) => path.basename(file).startsWith("start-"));
    expect(start).toBeDefined();
    expect([...loadedWith(start as string)]).toEqual(
      expect.arrayContaining(["fastify", "@electric-sql/pglite", "stripe"]),
    );
  });

  it("what only the browser bundles use is a dev dependency", () => {
    for (const name of ["react", "react-dom", "@observablehq/plot", "tsx", "esbuild"]) {
      expect(pkg.dependencies).not.toHaveProperty(name);
      expect(pkg.devDependencies).toHaveProperty(name);
    }
  });
});
