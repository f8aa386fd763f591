import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DigestSources } from "../../src/email/digest-sources.ts";
import type { Paper } from "../../src/papers/types.ts";
import { openTestDb, testBackends } from "../helpers/db.ts";

type PapersOnce = { papersOnce(ids: string[]): Promise<Map<string, Paper>> };

for (const backend of testBackends()) {
  describe(`a digest run's shared paper loads (${backend})`, () => {
    test("a failed load of several papers fails the mail, and leaves no unhandled rejection", async () => {
      // No migrations: the papers table is missing, so the database itself refuses the load.
      const db = await openTestDb(backend, []);
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", onUnhandled);
      try {
        const sources = new DigestSources(db, { search: async () => Promise.reject(new Error("unused")) });
        const load = (sources as unknown as PapersOnce).papersOnce([
          "2401.00001",
          "2401.00002",
          "2401.00003",
        ]);
        await assert.rejects(load, /papers/);
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(unhandled, []);
        // The failed ids are not kept: a later mail loads them again (and fails again here).
        await assert.rejects((sources as unknown as PapersOnce).papersOnce(["2401.00002"]), /papers/);
      } finally {
        process.off("unhandledRejection", onUnhandled);
        await db.close();
      }
    });
  });
}
