import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { createAccount } from "../../src/users/commands.ts";
import { createSession } from "../../src/users/sessions.ts";
import { insertUser, userById } from "../../src/users/store.ts";
import { csrfTokenFor } from "../../src/web/accounts/csrf.ts";
import { anonymous, post, TEST_SECRET } from "../community/helpers.ts";
import type { TestApp } from "../helpers/app.ts";
import { openAppWithSmtp } from "../helpers/app-with-smtp.ts";
import { testBackends } from "../helpers/db.ts";
import type { TestSmtp } from "../helpers/smtp.ts";

const fx = JSON.parse(readFileSync(new URL("./fixtures/enumeration.json", import.meta.url), "utf8"));
const address = (pattern: string, n: number) => pattern.replace("{n}", String(n));

/**
 * The Mann-Whitney rank-sum statistic as a z-score: how far apart two samples' timings are,
 * robust to the odd slow outlier. |z| above 4 means the two kinds of request can be told apart.
 */
export function rankSumZ(a: number[], b: number[]): number {
  const all = [...a.map((v) => ({ v, a: true })), ...b.map((v) => ({ v, a: false }))].sort(
    (x, y) => x.v - y.v,
  );
  let rankA = 0;
  all.forEach((x, i) => {
    if (x.a) rankA += i + 1;
  });
  const n1 = a.length;
  const n2 = b.length;
  const u = rankA - (n1 * (n1 + 1)) / 2;
  return (u - (n1 * n2) / 2) / Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
}

for (const backend of testBackends()) {
  describe(`no email enumeration on ${backend}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let close: () => Promise<void>;
    before(async () => {
      ({ t, smtp, close } = await openAppWithSmtp(backend));
    });
    after(() => close());

    const addUser = (username: string, email: string) =>
      insertUser(t.db, { username, email, passwordHash: "x", verified: true }, new Date());

    test("forgot-password takes the same time for registered and unknown addresses, and the mail still arrives", async () => {
      const n = fx.timingProbesPerSide as number;
      for (let i = 0; i < n; i++) await addUser(`member${i}`, address(fx.registered, i));
      const visitor = anonymous();
      const timed = async (email: string, ip: string) => {
        const started = process.hrtime.bigint();
        const res = await post(t.app, visitor, "/forgot-password", { email }, { ip });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        return { ms, res };
      };
      // Warm up both paths once (first queries, first SMTP connection).
      await timed("warmup-unknown@example.com", "10.60.0.1");
      const registered: number[] = [];
      const unknown: number[] = [];
      const bodies = new Set<string>();
      for (let i = 0; i < n; i++) {
        const a = await timed(address(fx.registered, i), `10.61.${i}.1`);
        const b = await timed(address(fx.unknown, i), `10.62.${i}.1`);
        assert.equal(a.res.statusCode, 200);
        assert.equal(b.res.statusCode, 200);
        bodies.add(a.res.body).add(b.res.body);
        registered.push(a.ms);
        unknown.push(b.ms);
      }
      assert.equal(bodies.size, 1, "the same page either way");
      const z = rankSumZ(registered, unknown);
      const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
      assert.ok(
        Math.abs(z) < fx.maxRankSumZ,
        `registered ${median(registered).toFixed(1)} ms vs unknown ${median(unknown).toFixed(1)} ms median, z = ${z.toFixed(2)}`,
      );
      const got = new Set<string>();
      for (let i = 0; i < n; i++) {
        const mail = await smtp.nextMessage(10_000);
        assert.match(mail.text ?? "", /\/reset-password\?token=/);
        got.add(mail.to && !Array.isArray(mail.to) ? mail.to.text : "");
      }
      assert.deepEqual(
        [...got].sort(),
        Array.from({ length: n }, (_, i) => address(fx.registered, i)).sort(),
      );
    });

    test("an address SMTP refuses: reset answers exactly as for an unknown address", async () => {
      await addUser("bounced", fx.refusedBySmtp);
      smtp.rejectRecipient(fx.refusedBySmtp, 550);
      const visitor = anonymous();
      const known = await post(
        t.app,
        visitor,
        "/forgot-password",
        { email: fx.refusedBySmtp },
        { ip: "10.63.0.1" },
      );
      const unknown = await post(
        t.app,
        visitor,
        "/forgot-password",
        { email: "nobody-at-all@example.com" },
        { ip: "10.63.0.2" },
      );
      assert.equal(known.statusCode, 200);
      assert.equal(known.statusCode, unknown.statusCode);
      assert.equal(known.body, unknown.body);
    });

    test("sign-up answers the same for a taken address, and mails its owner instead", async () => {
      await addUser("owner", "owner@example.com");
      const before = (await t.db.query(`select count(*)::int as n from users`))[0];
      const fields = (username: string, email: string) => ({
        username,
        email,
        password: "long enough password",
      });
      const taken = await post(t.app, anonymous(), "/signup", fields("newcomer1", "owner@example.com"), {
        ip: "10.64.0.1",
      });
      const fresh = await post(t.app, anonymous(), "/signup", fields("newcomer2", "fresh@example.com"), {
        ip: "10.64.0.2",
      });
      for (const r of [taken, fresh]) {
        assert.equal(r.statusCode, 303);
        assert.equal(r.headers.location, "/signup/done");
        assert.doesNotMatch(String(r.headers["set-cookie"] ?? ""), /dp_session=/);
      }
      assert.equal(taken.body, fresh.body);
      const mails = [await smtp.nextMessage(), await smtp.nextMessage()];
      const to = (m: (typeof mails)[0]) => (m.to && !Array.isArray(m.to) ? m.to.text : "");
      const owner = mails.find((m) => to(m) === "owner@example.com");
      const newcomer = mails.find((m) => to(m) === "fresh@example.com");
      assert.match(owner?.text ?? "", /already has one[\s\S]*\/forgot-password/);
      assert.match(newcomer?.text ?? "", /\/verify-email\?token=/);
      const after = (await t.db.query(`select count(*)::int as n from users`))[0];
      assert.deepEqual(after, { n: (before as { n: number }).n + 1 }, "only the new address got an account");
    });

    test("changing the address answers the same for a taken one; the account moves only when the link is opened", async () => {
      await addUser("holder", "holder@example.com");
      const password = "correct horse battery";
      const id = await createAccount(
        t.db,
        { username: "mover", email: "mover@example.com", password },
        new Date(),
        { verified: true },
      );
      const sid = await createSession(t.db, id, new Date());
      const me = { cookie: `dp_session=${sid}; dp_csrf=mover-nonce-abcdefghijklmnopqrstu`, csrf: "" };
      me.csrf = csrfTokenFor(TEST_SECRET, "mover-nonce-abcdefghijklmnopqrstu", sid);
      const change = (email: string, ip: string) =>
        post(t.app, me, "/settings/account/email", { email, password }, { ip });
      const taken = await change("holder@example.com", "10.65.0.1");
      const fresh = await change("moved@example.com", "10.65.0.2");
      assert.equal(taken.statusCode, 200);
      assert.equal(fresh.statusCode, 200);
      const notice = (body: string, email: string) =>
        /<p class="form-notice"[^>]*>(.*?)<\/p>/.exec(body)?.[1]?.replace(email, "ADDRESS");
      assert.equal(notice(taken.body, "holder@example.com"), notice(fresh.body, "moved@example.com"));
      assert.match(fresh.body, /Waiting for <strong>moved@example.com<\/strong>/);
      assert.equal((await userById(t.db, id))?.email, "mover@example.com", "nothing moves before the link");

      const mails = [await smtp.nextMessage(), await smtp.nextMessage()];
      const to = (m: (typeof mails)[0]) => (m.to && !Array.isArray(m.to) ? m.to.text : "");
      const holderMail = mails.find((m) => to(m) === "holder@example.com");
      const link = mails.find((m) => to(m) === "moved@example.com");
      assert.match(holderMail?.text ?? "", /already has an account\. Nothing changed/);
      assert.doesNotMatch(holderMail?.text ?? "", /token=/);
      const token = /email\/confirm\?token=([^\s]+)/.exec(link?.text ?? "")?.[1];
      assert.ok(token, link?.text);

      // Opening the link shows a button; only posting it moves the account (mail scanners open links).
      const opened = await t.app.inject({ url: `/settings/account/email/confirm?token=${token}` });
      assert.equal(opened.statusCode, 200);
      assert.equal((await userById(t.db, id))?.email, "mover@example.com");
      const visitor = anonymous();
      const confirm = (tok: string) =>
        post(t.app, visitor, "/settings/account/email/confirm", { token: decodeURIComponent(tok) });
      const done = await confirm(token);
      assert.equal(done.statusCode, 200, done.body);
      assert.match(done.body, /is now moved@example.com/);
      const moved = await userById(t.db, id);
      assert.equal(moved?.email, "moved@example.com");
      assert.ok(moved?.emailVerifiedAt, "opening the link confirmed the address");
      assert.equal(moved?.pendingEmail, null);
      assert.equal((await confirm(token)).statusCode, 400, "a link works once");
      assert.equal((await userById(t.db, id))?.email, "moved@example.com");
    });
  });
}
