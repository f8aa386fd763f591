import type { z } from "zod";

/** "versions[0].created" for a zod path. */
function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * The first problem zod found, in words a person importing a file can act on:
 * "missing title", "wrong type: categories must be a string, got number".
 */
export function describeIssue(error: z.ZodError, input: unknown): string {
  const issue = error.issues[0];
  const where = pathText(issue.path);
  if (issue.code === "invalid_type") return typeProblem(where, valueAt(input, issue.path), issue.expected);
  return `invalid ${where}: ${issue.message}`;
}

/** "missing title", "wrong type: categories must be a string, got number". */
export function typeProblem(where: string, actual: unknown, expected: string): string {
  if (actual === undefined) return `missing ${where}`;
  const article = expected === "array" || expected === "object" ? "an" : "a";
  return `wrong type: ${where} must be ${article} ${expected}, got ${typeName(actual)}`;
}
