import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project's root, where package.json is. Found by walking up, because this code runs
 * from src/ (tests, tsx) and from the bundle in dist/node/ alike.
 */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cancel-insights: cannot find the project's package.json");
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = projectRoot();
/** The built widget and dashboard. */
export const WIDGET_DIR = path.join(PROJECT_ROOT, "dist", "widget");
export const DASHBOARD_DIR = path.join(PROJECT_ROOT, "dist", "dashboard");
