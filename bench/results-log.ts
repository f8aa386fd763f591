import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The machine's load averages, for every figure measured on the shared machine. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(", ");

/** The line each run's section opens with: what it ran on, and how loaded the machine was. */
export const machineLine = () =>
  `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 1024 / 1024).toFixed(0)} MiB RAM, Node ${process.version}; load average at start ${loadAverage()}.`;

/**
 * One run's section of a results file under bench/results: lines are printed as they are
 * measured and appended together at the end, under `heading` when the file is new.
 */
export function resultsSection(name: string, heading: string) {
  const lines: string[] = [];
  return {
    say(line: string): void {
      console.log(line);
      lines.push(line);
    },
    write(): void {
      const file = path.resolve("bench/results", name);
      if (!fs.existsSync(file)) fs.writeFileSync(file, heading);
      fs.appendFileSync(file, `${lines.join("\n")}\n`);
    },
  };
}
