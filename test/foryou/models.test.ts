import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { decodeModel, encodeModel } from "../../src/recommend/model.ts";
import { recommendFor, trainStaleModels } from "../../src/recommend/service.ts";
import { signalVersion, storedModelAt } from "../../src/recommend/store.ts";
import { DEFAULT_WINDOW_DAYS, forYouWindow, windowStart } from "../../src/recommend/window.ts";
import {
  activateEmbeddingModel,
  activeEmbeddingModel,
  insertEmbeddingModel,
} from "../../src/search/embedding-store.ts";
import { makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { insertSubjectPapers } from "./corpus.ts";

const DAY = 86_400_000;

for (const backend of testBackends())
  describe(`a person's model is trained when their signals change, stored, and only applied after (${backend})`, () => {
    let t: TestApp;
    const now = new Date();
    before(async () => {
      t = await openTestApp(backend, { now: () => now });
    });
    after(async () => {
      await t.close();
    });

    test("the job trains stale models; a request applies the stored one; a new signal makes it stale", async () => {
      const u = await makeUser(t.db);
      const old = new Date(now.getTime() - 60 * DAY);
      const seeds = await insertSubjectPapers(t.db, "molecules", 3, { publishedAt: old });
      const fresh = await insertSubjectPapers(t.db, "molecules", 6, {
        publishedAt: new Date(now.getTime() - DAY),
      });
      const other = await insertSubjectPapers(t.db, "speech", 6, {
        publishedAt: new Date(now.getTime() - DAY),
      });
      for (const p of seeds.slice(0, 2)) await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" });
      const pools = t.services.forYouPools;
      const job = () => trainStaleModels(t.db, pools, { now, search: t.services.search, max: 100 });
      const trainedAt = async () =>
        (
          await t.db.query<{ trained_at: Date }>(
            "select trained_at from recommend_models where user_id = $1",
            [u.userId],
          )
        )[0]?.trained_at.getTime();

      assert.equal(await storedModelAt(t.db, u.userId, await signalVersion(t.db, u.userId)), null);
      assert.equal(await job(), 1, "the person's signals changed: one model to train");
      assert.equal(await job(), 0, "nothing changed since");
      const v1 = await signalVersion(t.db, u.userId);
      const stored = await storedModelAt(t.db, u.userId, v1);
      assert.ok(stored, "stored at the person's signal version");
      const model = decodeModel(stored);
      assert.ok(model, "stored in the current format");
      assert.equal(model.cold, false);
      assert.ok(model.terms.length > 0 && model.terms.length === model.weights.length);
      assert.ok(
        model.interests.some((i) => i.members.some((m) => m.weights.length > 0)),
        "members keep their keyword weights",
      );
      assert.deepEqual(decodeModel(encodeModel(model)), model, "round trip");
      // The pg driver hands bytea over as a Node Buffer, often a view into a larger one.
      const bytes = encodeModel(model);
      const inBuffer = Buffer.concat([Buffer.alloc(5), Buffer.from(bytes)]).subarray(5);
      assert.deepEqual(decodeModel(inBuffer), model, "decoded from a Buffer view at an offset");
      // At an aligned offset the arrays are views of that buffer, read from the view's own offset.
      const aligned = Buffer.concat([Buffer.alloc(8, 0xff), Buffer.from(bytes)]).subarray(8);
      assert.deepEqual(decodeModel(aligned), model, "decoded from a Buffer view at an aligned offset");
      assert.deepEqual(decodeModel(Buffer.from(bytes)), model, "decoded from a Buffer");
      assert.equal(decodeModel(Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0)), null, "another format is retrained");
      // a model stored in an older format (2: over the old keyword features) is deleted by
      // migration 0320's statement, and then the job's to retrain
      await t.db.query("update recommend_models set model = set_byte(model, 0, 2) where user_id = $1", [
        u.userId,
      ]);
      const migration = fs.readFileSync("src/db/migrations/0320_recommend_models_format3.sql", "utf8");
      await t.db.exec(migration);
      assert.equal(await storedModelAt(t.db, u.userId, v1), null);
      assert.equal(await job(), 1, "the older format is retrained by the job");
      assert.ok(decodeModel((await storedModelAt(t.db, u.userId, v1)) as Uint8Array));
      assert.equal(await job(), 0);

      const at = await trainedAt();
      const opts = { now, since: windowStart(now), limit: 5, search: t.services.search };
      const first = await recommendFor(t.db, pools, u.userId, opts);
      assert.equal(first.mode, "personal");
      const top = first.items.slice(0, 3).map((i) => i.paper.arxivId);
      assert.ok(
        top.every((id) => fresh.some((p) => p.arxivId === id)),
        "the molecule papers come first",
      );
      assert.ok(!top.some((id) => other.some((p) => p.arxivId === id)));
      assert.equal(await trainedAt(), at, "applying the stored model does not retrain it");

      await post(t.app, u, "/save", { arxiv_id: seeds[2].arxivId, on: "1" });
      const v2 = await signalVersion(t.db, u.userId);
      assert.notEqual(v2, v1);
      assert.equal(
        await storedModelAt(t.db, u.userId, v2),
        null,
        "a new signal makes the stored model stale",
      );
      assert.equal(await job(), 1);
      assert.ok(await storedModelAt(t.db, u.userId, v2));
    });

    test("a view reads the active embedding model with its state: a kept, an evicted and another model's ranking", async () => {
      const u = await makeUser(t.db);
      const seeds = await insertSubjectPapers(t.db, "speech", 3, {
        publishedAt: new Date(now.getTime() - 60 * DAY),
      });
      await insertSubjectPapers(t.db, "speech", 6, { publishedAt: new Date(now.getTime() - DAY) });
      for (const p of seeds) await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" });
      const pools = t.services.forYouPools;
      await trainStaleModels(t.db, pools, { now, search: t.services.search, max: 100 });
      const opts = { now, since: windowStart(now), limit: 5, search: t.services.search };
      const ids = async () =>
        (await recommendFor(t.db, pools, u.userId, opts)).items.map((i) => i.paper.arxivId);
      const first = await ids();
      assert.ok(first.length > 0);
      const pool = pools.peek(opts.since);
      assert.ok(pool, "the pool of the last request, known without a query");
      const version = await signalVersion(t.db, u.userId);
      const kept = pools.rankers.get(pool, u.userId, version);
      assert.ok(kept);
      assert.deepEqual(await ids(), first, "the kept ranking");
      assert.equal(pools.rankers.get(pool, u.userId, version), kept, "reused, not made again");
      pools.rankers.clear(pool);
      assert.deepEqual(await ids(), first, "evicted: the stored model is read and applied again");
      const before = decodeModel((await storedModelAt(t.db, u.userId, version)) as Uint8Array);
      // Another embedding model becomes active: the next view's query finds it, and the person's
      // model, trained for the other one, is trained again for it.
      const previous = await activeEmbeddingModel(t.db);
      const id = await insertEmbeddingModel(t.db, { kind: "remote", name: "other", dims: 16, params: {} });
      await t.db.query("update embedding_models set status = 'embedding' where id = $1", [id]);
      assert.ok(await activateEmbeddingModel(t.db, id));
      assert.notEqual(previous?.id, id);
      assert.ok((await ids()).length > 0);
      assert.notEqual(pools.peek(opts.since), pool, "another model's pool");
      const after = decodeModel((await storedModelAt(t.db, u.userId, version)) as Uint8Array);
      assert.equal(after?.embeddingModelId, id);
      assert.notEqual(before?.embeddingModelId, id);
    });
  });

for (const backend of testBackends())
  describe(`on a store whose newest paper is older than the window (${backend})`, () => {
    let t: TestApp;
    const now = new Date();
    before(async () => {
      t = await openTestApp(backend, { now: () => now });
    });
    after(async () => {
      await t.close();
    });

    test("the job trains over the papers the page ranks, not an empty window, so its model tells them apart", async () => {
      // Like the shipped sample on a laptop: every paper is weeks old, so the page's window
      // ends at the newest paper instead (forYouWindow). The job must train over that window.
      const u = await makeUser(t.db);
      const seeds = await insertSubjectPapers(t.db, "molecules", 3, {
        publishedAt: new Date(now.getTime() - 60 * DAY),
      });
      const newest = new Date(now.getTime() - 30 * DAY);
      const mol = await insertSubjectPapers(t.db, "molecules", 5, { publishedAt: newest });
      await insertSubjectPapers(t.db, "speech", 5, { publishedAt: newest });
      await insertSubjectPapers(t.db, "filler", 5, { publishedAt: newest });
      for (const p of seeds) await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" });
      const pools = t.services.forYouPools;
      assert.equal(await trainStaleModels(t.db, pools, { now, search: t.services.search, max: 10 }), 1);
      const { since } = await forYouWindow(t.db, now, DEFAULT_WINDOW_DAYS);
      const result = await recommendFor(t.db, pools, u.userId, {
        now,
        since,
        limit: 15,
        search: t.services.search,
      });
      const scores = result.items.map((i) => i.score);
      assert.ok(Math.max(...scores) - Math.min(...scores) > 1e-3, `scores differ: ${scores.join(", ")}`);
      const top = result.items.slice(0, 5).map((i) => i.paper.arxivId);
      assert.deepEqual(top.toSorted(), mol.map((p) => p.arxivId).toSorted(), "the molecule papers first");
    });

    test("the first request after a save may be a digest's few papers: it stores the model the job trains over the page's window", async () => {
      const u = await makeUser(t.db);
      const seeds = await insertSubjectPapers(t.db, "molecules", 3, {
        publishedAt: new Date(now.getTime() - 60 * DAY),
      });
      await insertSubjectPapers(t.db, "molecules", 5, { publishedAt: new Date(now.getTime() - 2 * DAY) });
      await insertSubjectPapers(t.db, "speech", 5, { publishedAt: new Date(now.getTime() - 2 * DAY) });
      // A digest's window of two papers, as on a quiet day.
      await insertSubjectPapers(t.db, "filler", 2, { publishedAt: new Date(now.getTime() - 3_600_000) });
      for (const p of seeds) await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" });
      const pools = t.services.forYouPools;
      const version = await signalVersion(t.db, u.userId);
      await recommendFor(t.db, pools, u.userId, {
        now,
        since: new Date(now.getTime() - 3 * 3_600_000),
        limit: 5,
        search: t.services.search,
      });
      const fromDigest = await storedModelAt(t.db, u.userId, version);
      assert.ok(fromDigest);
      await t.db.query("delete from recommend_models where user_id = $1", [u.userId]);
      assert.equal(await trainStaleModels(t.db, pools, { now, search: t.services.search, max: 10 }), 1);
      const fromJob = await storedModelAt(t.db, u.userId, version);
      assert.ok(fromJob);
      const a = decodeModel(fromDigest);
      const b = decodeModel(fromJob);
      assert.ok(a && b);
      assert.ok(a.terms.length > 0, "the model kept terms");
      assert.deepEqual([...a.terms], [...b.terms]);
      assert.deepEqual([...a.weights], [...b.weights]);
      assert.equal(a.bias, b.bias);
    });
  });
