import { readFile } from "node:fs/promises";
import { fmt, table } from "./lib.js";

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a package, a Node internal, a file of ours, or V8 itself. */
function areaOf(frame: CpuProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith("node:")) return "node internals";
  const ours = /\/((?:src|bench)\/.*)$/.exec(url);
  if (ours) return ours[1] as string;
  return url;
}

/** Self time by area and by function: the bottom-up view of a .cpuprofile, as text. */
export async function printProfileSummary(file: string, top = 15): Promise<void> {
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as CpuProfileNode).callFrame;
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const name = `${frame.functionName || "(anonymous)"}  ${area}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => [name, fmt.ms(us / 1000), fmt.pct(us / total)]);
  console.log(`\n  CPU profile ${file} (${fmt.ms(total / 1000)} sampled), self time by area:`);
  table(["area", "self", "share"], rows(areas));
  console.log("\n  self time by function:");
  table(["function", "self", "share"], rows(functions));
}
