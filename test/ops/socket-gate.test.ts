import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createPglite, type OpenPglite } from "../../src/db/client.ts";
import { type DatabaseSocket, serveDatabaseSocket } from "../../src/db/socket-server.ts";

/**
 * PGlite has one session. These check that a client's transaction over the socket and the
 * server's own queries never run inside each other, both ways round, and that a client that
 * disconnects or stalls mid-transaction cannot leave the session dirty or held.
 */
describe("the database socket keeps PGlite's one session to one user at a time", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-gate-"));
  let owned: OpenPglite;
  let socket: DatabaseSocket;
  const client = async () => {
    const c = new pg.Client({ host: socket.dir, user: "postgres", database: "postgres" });
    await c.connect();
    return c;
  };
  const count = async () =>
    Number((await owned.db.query<{ n: number }>("select count(*)::int as n from t"))[0].n);

  before(async () => {
    owned = await createPglite(undefined);
    await owned.db.exec("create table t (id serial primary key, who text not null)");
    socket = await serveDatabaseSocket(owned.lite, owned.gate, dir, { holdTimeoutMs: 1_500 });
  });
  after(async () => {
    await socket.close(0);
    await owned.db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the socket is private to its user", () => {
    assert.equal(fs.statSync(socket.dir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(socket.path).mode & 0o777, 0o600);
  });

  test("a server query waits for the client's open transaction, and never runs inside it", async () => {
    const c = await client();
    await c.query("begin");
    await c.query("insert into t (who) values ('cli')");
    let serverDone = false;
    // Inside the client's transaction this insert would be rolled back with it.
    const server = owned.db.query("insert into t (who) values ('server')").then(() => {
      serverDone = true;
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(serverDone, false, "the server's query waits for the client's transaction to end");
    await c.query("rollback");
    await server;
    assert.deepEqual(
      (await owned.db.query<{ who: string }>("select who from t")).map((r) => r.who),
      ["server"],
    );
    await c.end();
  });

  test("a client's statement waits for the server's transaction, and never runs inside it", async () => {
    const c = await client();
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const tx = owned.db.transaction(async (q) => {
      await q.query("insert into t (who) values ('server-tx')");
      await held;
      throw new Error("rolled back on purpose");
    });
    let clientDone = false;
    const insert = c.query("insert into t (who) values ('cli-outside')").then(() => {
      clientDone = true;
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(clientDone, false);
    release();
    await assert.rejects(tx, /on purpose/);
    await insert;
    const who = (await owned.db.query<{ who: string }>("select who from t order by id")).map((r) => r.who);
    assert.ok(who.includes("cli-outside") && !who.includes("server-tx"), who.join(","));
    await c.end();
  });

  test("a client killed mid-transaction is rolled back and frees the session", async () => {
    const before = await count();
    const c = await client();
    await c.query("begin");
    await c.query("insert into t (who) values ('doomed')");
    // What kill -9 of the CLI looks like from here: the connection just drops.
    (c as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await c.end().catch(() => {});
    assert.equal(await count(), before, "the session is free again and the insert is gone");
    assert.equal(owned.lite.isInTransaction(), false);
  });

  test("a client that stalls holding a transaction is cut off after the hold timeout", async () => {
    const c = await client();
    c.on("error", () => {});
    await c.query("begin");
    await c.query("insert into t (who) values ('stalled')");
    const started = Date.now();
    await owned.db.query("select 1");
    const waited = Date.now() - started;
    assert.ok(waited >= 1_000 && waited < 10_000, `waited ${waited} ms`);
    assert.equal(
      (await owned.db.query("select 1 from t where who = 'stalled'")).length,
      0,
      "its transaction was rolled back",
    );
    await c.end().catch(() => {});
  });

  test("many clients and the server at once: every statement lands exactly once", async () => {
    const before = await count();
    const clients = await Promise.all([1, 2, 3].map(() => client()));
    const work = [
      ...clients.map(async (c, i) => {
        for (let k = 0; k < 10; k++) {
          await c.query("begin");
          await c.query("insert into t (who) values ($1)", [`c${i}`]);
          await c.query("insert into t (who) values ($1)", [`c${i}`]);
          await c.query("commit");
        }
      }),
      (async () => {
        for (let k = 0; k < 20; k++)
          await owned.db.transaction(async (q) => {
            await q.query("insert into t (who) values ('s')");
          });
      })(),
    ];
    await Promise.all(work);
    assert.equal(await count(), before + 3 * 20 + 20);
    await Promise.all(clients.map((c) => c.end()));
  });
});
