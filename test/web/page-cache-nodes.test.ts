import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { anonymous, type Client, makePaper, makeUser, TEST_SECRET } from "../community/helpers.ts";
import { openTestDb, type TestDb } from "../helpers/db.ts";
import { type ServerProcess, serverProcess } from "../helpers/processes.ts";

/**
 * The anonymous page cache across two real `serve` processes on one Postgres: a vote or a
 * comment made through one node is on the very next anonymous load of the other, and pages
 * of other papers stay cached there.
 */
const skip = process.env.TEST_DATABASE_URL ? false : "needs TEST_DATABASE_URL (a Postgres server)";
const votes = (body: string) => Number(/class="votes[^"]*"[^>]*>[\s\S]*?(\d+)/.exec(body)?.[1] ?? Number.NaN);

describe("anonymous page cache on two web nodes", { skip }, () => {
  let db: TestDb;
  let nodes: ServerProcess[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dp-cache-nodes-"));

  before(async () => {
    db = await openTestDb("postgres");
    const env = { DATABASE_URL: db.url ?? "", SECRET: TEST_SECRET };
    nodes = await Promise.all([1, 2].map((i) => serverProcess(path.join(tmp, `node${i}`), { env })));
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await db?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const anon = anonymous();
  const load = async (node: ServerProcess, url: string) => {
    const res = await fetch(`${node.url}${url}`, { headers: { cookie: anon.cookie } });
    return { status: res.status, cache: res.headers.get("x-cache"), body: await res.text() };
  };
  const send = (node: ServerProcess, who: Client, url: string, fields: Record<string, string>) =>
    fetch(`${node.url}${url}`, {
      method: "POST",
      redirect: "manual",
      headers: {
        cookie: who.cookie,
        "x-csrf-token": who.csrf,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams(fields),
    });

  test("a vote and a comment through one node show on the next anonymous load of the other", async () => {
    const voted = await makePaper(db, { title: "Voted on node one", importedUpvotes: 2 });
    const other = await makePaper(db, { title: "Left alone" });
    const user = await makeUser(db);
    const [one, two] = nodes;
    const votedUrl = `/papers/${voted.arxivId}`;
    const otherUrl = `/papers/${other.arxivId}`;
    for (const url of [votedUrl, otherUrl]) {
      assert.equal((await load(two, url)).status, 200);
      assert.equal((await load(two, url)).cache, "hit", `${url} is cached on node two`);
    }
    const before = votes((await load(two, votedUrl)).body);

    const vote = await send(one, user, "/api/upvote", { arxiv_id: voted.arxivId, vote: "1" });
    assert.equal(vote.status, 200, await vote.text());
    const afterVote = await load(two, votedUrl);
    assert.equal(afterVote.cache, "miss");
    assert.equal(votes(afterVote.body), before + 1);
    assert.equal((await load(two, otherUrl)).cache, "hit", "another paper's page stays cached");

    const comment = await send(one, user, "/comments", {
      arxiv_id: voted.arxivId,
      body: "Posted on node one",
    });
    assert.ok(comment.status < 400, `comment: ${comment.status}`);
    const afterComment = await load(two, votedUrl);
    assert.equal(afterComment.cache, "miss");
    assert.match(afterComment.body, /Posted on node one/);
    // And back: node one's own cache saw node one's writes too.
    assert.match((await load(one, votedUrl)).body, /Posted on node one/);
  });
});
