// Small readers for the benchmarks: counter totals from the operator's Prometheus registry,
// process memory, and the shape every benchmark returns for the report.
import { pathToFileURL } from "node:url";
import type { Registry } from "prom-client";

export interface BenchResult {
  name: string;
  numbers: Record<string, number>;
}

export async function counterTotal(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted))
    .reduce((sum, value) => sum + value.value, 0);
}

export function measureRss(): number {
  return Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
}

export function formatResults(results: readonly BenchResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(result.name);
    for (const [label, value] of Object.entries(result.numbers)) {
      lines.push(`  ${label.padEnd(44)} ${Number.isInteger(value) ? value : value.toFixed(2)}`);
    }
  }
  return lines.join("\n");
}

/**
 * Runs a benchmark file's `main` when that file is the script node was started with (not when
 * run.ts imports it), exiting 1 with the stack on failure.
 */
export function runWhenMain(moduleUrl: string, main: () => Promise<void>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? "").href) return;
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(
        `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
