import type { Queryable } from "../db/client.ts";
import type { IndexStatus } from "./indexes.ts";

export interface Readiness {
  ready: boolean;
  /** "ok", or what is not ready yet, per check. */
  checks: { database: string; migrations: string; keywordIndex: string; vectorIndex: string };
}

/**
 * Ready means: the database answers, its schema is the one this code expects, and this
 * process's indexes are loaded (the vector index only once a model is active: until then
 * semantic search answers with keyword results, which is a working state).
 */
export async function checkReadiness(
  db: Queryable,
  /** The migration versions this code ships. */
  expectedSchema: number[],
  indexes: IndexStatus,
  timeoutMs = 2000,
): Promise<Readiness> {
  const checks: Readiness["checks"] = {
    database: "ok",
    migrations: "ok",
    keywordIndex: indexes.keywordSyncedAt() === null ? "loading" : "ok",
    vectorIndex: "ok",
  };
  try {
    const [row] = await withTimeout(
      db.query<{ versions: number[]; active: number | null }>(
        `select (select coalesce(array_agg(version order by version), '{}') from schema_migrations) as versions,
           (select id from embedding_models where status = 'active') as active`,
      ),
      timeoutMs,
    );
    const applied = new Set(row.versions.map(Number));
    const missing = expectedSchema.filter((v) => !applied.has(v));
    const newer = [...applied].filter((v) => !expectedSchema.includes(v));
    if (newer.length > 0) checks.migrations = `schema has version ${newer.join(", ")}, newer than this code`;
    else if (missing.length > 0) checks.migrations = `migrations not applied yet: ${missing.join(", ")}`;
    const vector = indexes.vector();
    if (vector && row.active !== null && vector.modelId === null) checks.vectorIndex = "loading";
    if (vector && row.active === null) checks.vectorIndex = "no embedding model yet (keyword results)";
    // A rebuild after a refused copy is a working state: semantic search answers meanwhile.
    else if (vector?.note) checks.vectorIndex = vector.note;
  } catch (err) {
    checks.database = `unreachable: ${(err as Error).message}`;
    checks.migrations = "unknown";
  }
  const ready =
    checks.database === "ok" &&
    checks.migrations === "ok" &&
    checks.keywordIndex === "ok" &&
    checks.vectorIndex !== "loading";
  return { ready, checks };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
