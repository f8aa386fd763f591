import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { insertUser } from "../../src/users/store.ts";
import { anonymous, post } from "../community/helpers.ts";
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
  });
}
