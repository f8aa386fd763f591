import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { IDS, seedFeed } from "../helpers/feed-fixture.ts";

interface Item {
  paper: { id: string; upvotes: number; authors: { _id: string; name: string; hidden: boolean }[] } & Record<
    string,
    unknown
  >;
  submittedBy?: { name: string; fullname: string };
  numComments: number;
  publishedAt: string;
}

for (const backend of testBackends()) {
  describe(`JSON API on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend, {
        env: { TRUST_PROXY: "127.0.0.1" },
        now: () => new Date("2024-08-12T12:00:00Z"),
      });
      await seedFeed(t.db);
    });
    after(async () => {
      await t?.close();
    });
    const get = async (url: string) => {
      const res = await t.app.inject({ method: "GET", url });
      return { status: res.statusCode, link: res.headers.link as string | undefined, json: res.json() };
    };
    const ids = (items: Item[]) => items.map((i) => i.paper.id);

    test("a day's items, in Hugging Face's shape, ordered by upvotes", async () => {
      const { status, json, link } = await get("/api/daily_papers?date=2024-08-09");
      assert.equal(status, 200);
      assert.equal(link, undefined);
      assert.deepEqual(ids(json), [IDS.A, IDS.E, IDS.B, IDS.D, IDS.C]);
      const a = json[0];
      assert.deepEqual(Object.keys(a).sort(), [
        "isAuthorParticipating",
        "numComments",
        "paper",
        "publishedAt",
        "submittedBy",
        "summary",
        "thumbnail",
        "title",
      ]);
      assert.equal(a.paper.upvotes, 57);
      assert.equal(a.numComments, 2);
      assert.equal(a.paper.authors.length, 7);
      assert.deepEqual(Object.keys(a.paper.authors[0]).sort(), ["_id", "hidden", "name"]);
      assert.match(a.paper.authors[0]._id, /^[0-9a-f]{24}$/);
      assert.equal(a.paper.publishedAt, "2024-08-06T17:59:00.000Z");
      assert.equal(a.paper.submittedOnDailyAt, "2024-08-09T08:00:00.000Z");
      assert.equal(a.paper.githubRepo, "https://github.com/uni-medical/GMAI-MMBench");
      assert.equal(a.paper.githubStars, 88);
      assert.match(a.paper.discussionId, /^[0-9a-f]{24}$/);
      assert.equal(a.submittedBy.name, "akhaliq");
      assert.equal(a.submittedBy.fullname, "AK");
      assert.equal(a.paper.submittedOnDailyBy.name, "akhaliq");
      assert.equal(a.publishedAt, "2024-08-09T08:00:00.000Z");
      assert.match(a.thumbnail, /\/papers\/2408\.03361\/thumbnail\.svg$/);
      assert.equal(a.isAuthorParticipating, false);
      assert.equal(json[1].paper.upvotes, 53, "imported and local upvotes add up");
      assert.equal(json[1].submittedBy, undefined);
      assert.equal("githubRepo" in json[1].paper, false, "unknown optional fields are left out");
    });

    test("paging with p and limit, and a Link header while more follow", async () => {
      const first = await get("/api/daily_papers?date=2024-08-09&limit=2");
      assert.deepEqual(ids(first.json), [IDS.A, IDS.E]);
      assert.equal(first.link, '<http://localhost/api/daily_papers?date=2024-08-09&limit=2&p=1>; rel="next"');
      const second = await get("/api/daily_papers?date=2024-08-09&limit=2&p=1");
      assert.deepEqual(ids(second.json), [IDS.B, IDS.D]);
      assert.match(second.link ?? "", /p=2>; rel="next"$/);
      const last = await get("/api/daily_papers?date=2024-08-09&limit=2&p=2");
      assert.deepEqual(ids(last.json), [IDS.C]);
      assert.equal(last.link, undefined);
      // behind a proxy, the link points where the client is
      const proxied = await t.app.inject({
        url: "/api/daily_papers?date=2024-08-09&limit=2",
        headers: { "x-forwarded-proto": "https", "x-forwarded-host": "papers.example.org" },
      });
      assert.equal(
        proxied.headers.link,
        '<https://papers.example.org/api/daily_papers?date=2024-08-09&limit=2&p=1>; rel="next"',
      );
      assert.match(proxied.json()[0].thumbnail, /^https:\/\/papers\.example\.org\/papers\//);
      const beyond = await get("/api/daily_papers?date=2024-08-09&limit=2&p=9");
      assert.deepEqual(beyond.json, []);
    });

    test("without a period: the newest day; weeks and months list a paper once", async () => {
      assert.deepEqual(ids((await get("/api/daily_papers")).json), [IDS.G]);
      assert.deepEqual(ids((await get("/api/daily_papers?week=2024-W32")).json), [
        IDS.A,
        IDS.E,
        IDS.B,
        IDS.D,
        IDS.C,
        IDS.F,
      ]);
      assert.equal((await get("/api/daily_papers?month=2024-08")).json.length, 7);
      assert.deepEqual((await get("/api/daily_papers?date=2024-08-10")).json, []);
    });

    test("sort=publishedAt pages through entries newest first", async () => {
      const { json } = await get("/api/daily_papers?sort=publishedAt&limit=4");
      // G (12th), then the 9th: D 10:00, C 09:00, then E and A at 08:00 by id; B counts from
      // its first entry, on the 7th
      assert.deepEqual(ids(json), [IDS.G, IDS.D, IDS.C, IDS.E]);
      const rest = await get("/api/daily_papers?sort=publishedAt&limit=4&p=1");
      assert.deepEqual(ids(rest.json), [IDS.A, IDS.B, IDS.F, IDS.OLD]);
      const day = await get("/api/daily_papers?sort=publishedAt&date=2024-08-09");
      assert.deepEqual(ids(day.json).slice(0, 2), [IDS.D, IDS.C]);
    });

    test("sort=trending uses the trending rule, over the last week or over a period", async () => {
      assert.deepEqual(ids((await get("/api/daily_papers?sort=trending")).json), [
        IDS.A,
        IDS.E,
        IDS.G,
        IDS.D,
        IDS.C,
        IDS.B,
      ]);
      const paged = await get("/api/daily_papers?sort=trending&limit=2&p=1");
      assert.deepEqual(ids(paged.json), [IDS.G, IDS.D]);
      assert.match(paged.link ?? "", /sort=trending&limit=2&p=2>; rel="next"/);
      // scored at the end of the 9th: D (14 h) and C (15 h) pass B, equal in votes
      const day = await get("/api/daily_papers?sort=trending&date=2024-08-09");
      assert.deepEqual(ids(day.json), [IDS.A, IDS.E, IDS.D, IDS.C, IDS.B]);
    });

    test("submitter filters by username", async () => {
      assert.deepEqual(ids((await get("/api/daily_papers?submitter=akhaliq")).json), [IDS.A, IDS.B]);
      assert.deepEqual(ids((await get("/api/daily_papers?submitter=BOB&week=2024-W32")).json), [IDS.F]);
      assert.deepEqual(ids((await get("/api/daily_papers?submitter=akhaliq&sort=trending")).json), [
        IDS.A,
        IDS.B,
      ]);
      assert.deepEqual((await get("/api/daily_papers?submitter=nobody")).json, []);
    });

    test("invalid parameters get a 400 that names the parameter and says why", async () => {
      for (const [query, param, why] of [
        ["date=2024-02-30", "date", /2024-02 has no day 30/],
        ["date=20240809", "date", /expected YYYY-MM-DD/],
        ["week=2024-W53", "week", /2024 has ISO weeks 01 to 52/],
        ["month=2024-13", "month", /month 13 does not exist/],
        ["limit=0", "limit", /from 1 to 100/],
        ["limit=101", "limit", /from 1 to 100/],
        ["limit=ten", "limit", /whole number/],
        ["p=-1", "p", /whole number/],
        ["sort=hot", "sort", /publishedAt|trending/],
        ["date=2024-08-09&week=2024-W32", "week", /only one of date, week and month/],
        ["limit=5&limit=6", "limit", /string/],
        [`submitter=${"x".repeat(101)}`, "submitter", /100/],
      ] as const) {
        const { status, json } = await get(`/api/daily_papers?${query}`);
        assert.equal(status, 400, query);
        assert.equal(json.param, param, query);
        assert.equal(json.status, 400);
        assert.match(json.error, why, query);
      }
    });

    test("GET /api/papers/{id}: the flat paper object", async () => {
      const { status, json } = await get(`/api/papers/${IDS.A}`);
      assert.equal(status, 200);
      assert.equal(json.id, IDS.A);
      assert.equal(json.title.startsWith("GMAI-MMBench"), true);
      assert.equal(json.upvotes, 57);
      assert.equal(json.numComments, 2);
      assert.equal(json.summary.includes("We introduce GMAI-MMBench"), true);
      assert.deepEqual(json.categories, ["eess.IV", "cs.CV"]);
      assert.equal(json.doi, "10.48550/arXiv.2408.03361");
      assert.equal(json.version, 2);
      assert.equal(json.submittedOnDailyBy.name, "akhaliq");
      assert.equal(json.arxivUrl, "https://arxiv.org/abs/2408.03361");
      assert.equal("paper" in json, false);
      assert.equal((await get(`/api/papers/${IDS.A}v1`)).json.id, IDS.A);
      assert.equal((await get("/api/papers/hep-th/9901001")).json.title, "An old-style paper");
    });

    test("an unknown paper is a JSON 404, a malformed id a JSON 400", async () => {
      const missing = await get("/api/papers/2408.99999");
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json, { error: "Paper 2408.99999 is not indexed.", param: "id", status: 404 });
      const bad = await get("/api/papers/not-an-id");
      assert.equal(bad.status, 400);
      assert.equal(bad.json.param, "id");
      assert.match(bad.json.error, /not an arXiv id/);
    });

    test("the OpenAPI document describes both endpoints", async () => {
      const { status, json } = await get("/api/openapi.json");
      assert.equal(status, 200);
      assert.equal(json.openapi, "3.1.0");
      const daily = json.paths["/api/daily_papers"].get;
      assert.deepEqual(
        daily.parameters.map((p: { name: string }) => p.name),
        ["date", "week", "month", "p", "limit", "sort", "submitter"],
      );
      assert.deepEqual(daily.parameters.find((p: { name: string }) => p.name === "sort").schema.enum, [
        "publishedAt",
        "trending",
      ]);
      assert.deepEqual(daily.parameters.find((p: { name: string }) => p.name === "limit").schema, {
        type: "integer",
        minimum: 1,
        maximum: 100,
      });
      assert.equal(
        daily.parameters.find((p: { name: string }) => p.name === "week").schema.pattern,
        "^\\d{4}-W\\d{2}$",
      );
      assert.ok(daily.responses["200"].headers.Link);
      assert.ok(json.paths["/api/papers/{id}"].get.responses["404"]);
      for (const name of ["DailyPaper", "Paper", "PaperDetail", "Author", "User", "Error"])
        assert.ok(json.components.schemas[name], name);
      // every $ref resolves
      const refs = JSON.stringify(json).match(/#\/components\/schemas\/\w+/g) ?? [];
      for (const ref of refs) assert.ok(json.components.schemas[ref.split("/").pop() as string], ref);
    });
  });
}
