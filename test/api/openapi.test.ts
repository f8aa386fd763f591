import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { z } from "zod";
import { DailyPaper, PaperDetail, SearchHit, SimilarPapers } from "../../src/web/api/shapes.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { IDS, seedFeed } from "../helpers/feed-fixture.ts";

type Json = Record<string, unknown>;

/**
 * The document as it was hand-written before the routes declared their schemas (kept as a
 * fixture): the generated one must describe at least as much.
 */
const BEFORE = JSON.parse(
  fs.readFileSync(new URL("./fixtures/openapi-before.json", import.meta.url), "utf8"),
);

/** Every key of `want` is in `got` with the same value, recursively; `got` may hold more. */
function assertIncludes(got: unknown, want: unknown, where: string): void {
  if (want === null || typeof want !== "object") {
    assert.deepEqual(got, want, where);
    return;
  }
  assert.ok(got && typeof got === "object", `${where} is missing`);
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${where} is not a list`);
    for (const item of want)
      assert.ok(
        (got as unknown[]).some((g) => isDeepEqual(g, item)),
        `${where} lacks ${JSON.stringify(item)}`,
      );
    return;
  }
  for (const [key, value] of Object.entries(want as Json))
    assertIncludes((got as Json)[key], value, `${where}.${key}`);
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

/** The shape a route answers with, checked strictly: parsing drops unknown keys, so equality means none. */
function assertShape(schema: z.ZodType, body: unknown, where: string): void {
  const parsed = schema.safeParse(body);
  assert.ok(parsed.success, `${where}: ${parsed.error?.message}`);
  assert.deepEqual(parsed.data, body, `${where} has fields its schema does not describe`);
}

for (const backend of testBackends()) {
  describe(`OpenAPI document on ${backend}`, () => {
    let t: TestApp;
    let doc: Json & { paths: Record<string, Record<string, Json>>; components: { schemas: Json } };
    before(async () => {
      t = await openTestApp(backend);
      await seedFeed(t.db);
      doc = (await t.app.inject("/api/openapi.json")).json();
    });
    after(async () => {
      await t.close();
    });

    test("it is OpenAPI 3.1 with today's paths, parameters, responses and components, or more", () => {
      assert.equal(doc.openapi, "3.1.0");
      assertIncludes(doc.info, BEFORE.info, "info");
      for (const [path, item] of Object.entries(BEFORE.paths as Record<string, Record<string, Json>>)) {
        for (const [method, op] of Object.entries(item)) {
          const now = doc.paths[path]?.[method];
          assert.ok(now, `${method.toUpperCase()} ${path} is documented`);
          const params = (now.parameters ?? []) as Json[];
          for (const p of (op.parameters ?? []) as Json[]) {
            const same = params.find((q) => q.name === p.name && q.in === p.in);
            assert.ok(same, `${path}: parameter ${p.name} in ${p.in}`);
            assert.equal(same.required, p.required, `${path}: ${p.name} required`);
            // Same constraints (type, bounds, pattern, enum, default); descriptions may be reworded.
            const { description: _d, examples, ...schema } = p.schema as Json & { examples?: unknown[] };
            assertIncludes(same.schema, schema, `${path}: ${p.name}.schema`);
            // @fastify/swagger lifts a single example from the schema to the parameter.
            if (examples)
              assert.deepEqual(
                (same.schema as Json).examples ?? [same.example],
                examples,
                `${p.name} examples`,
              );
          }
          for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
            const res = (now.responses as Record<string, Json>)[status];
            assert.ok(res, `${path}: response ${status}`);
            for (const type of Object.keys((response.content ?? {}) as Json))
              assert.ok((res.content as Json)?.[type], `${path}: ${status} as ${type}`);
            for (const header of Object.keys((response.headers ?? {}) as Json))
              assert.ok((res.headers as Json)?.[header], `${path}: ${status} header ${header}`);
          }
        }
      }
      for (const [name, schema] of Object.entries(BEFORE.components.schemas as Record<string, Json>)) {
        const now = doc.components.schemas[name] as Json;
        assert.ok(now, `component ${name}`);
        assert.deepEqual(
          Object.keys(now.properties as Json).sort(),
          Object.keys(schema.properties as Json).sort(),
          name,
        );
        // Required may grow: nullable fields that are always sent are now said to be.
        for (const field of schema.required as string[])
          assert.ok((now.required as string[]).includes(field), `${name}.${field} is required`);
      }
      // every $ref resolves
      for (const ref of JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [])
        assert.ok(doc.components.schemas[ref.split("/").pop() as string], ref);
      // only the JSON API is documented
      assert.ok(Object.keys(doc.paths).every((p) => p.startsWith("/api/")));
    });

    test("the API answers in exactly the shapes the document describes", async () => {
      const get = async (url: string) => {
        const res = await t.app.inject(url);
        assert.equal(res.statusCode, 200, url);
        return res.json();
      };
      assertShape(z.array(DailyPaper), await get("/api/daily_papers?date=2024-08-09"), "daily_papers");
      assertShape(PaperDetail, await get(`/api/papers/${IDS.A}`), "paper");
      assertShape(PaperDetail, await get(`/api/papers/${IDS.OLD}`), "old-style paper");
      assertShape(z.array(SearchHit), await get("/api/papers/search?q=benchmark"), "search");
      assertShape(z.array(SearchHit), await get(`/api/papers/search?q=${IDS.A}`), "search by id");
      assertShape(SimilarPapers, await get(`/api/papers/${IDS.A}/similar`), "similar");
    });
  });
}
