import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { hashPassword } from "../../src/users/password.ts";
import { insertUser } from "../../src/users/store.ts";
import { anonymous, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";

const fx = JSON.parse(readFileSync(new URL("./fixtures/lockout.json", import.meta.url), "utf8"));

for (const backend of testBackends()) {
  describe(`login throttling without lock-out on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend);
      await insertUser(
        t.db,
        {
          username: fx.victim.username,
          email: "lockvictim@example.com",
          passwordHash: await hashPassword(fx.victim.password),
          verified: true,
        },
        new Date(),
      );
    });
    after(async () => t.close());

    const login = (password: string, ip: string, name = fx.victim.username) =>
      post(t.app, anonymous(), "/login", { login: name, password }, { ip });

    test("wrong passwords from one network throttle that network, not the owner elsewhere", async () => {
      const codes: number[] = [];
      for (const [i, pw] of (fx.wrongPasswords as string[]).entries())
        codes.push((await login(pw, fx.attackerIps[i % fx.attackerIps.length])).statusCode);
      assert.deepEqual(codes.slice(0, 5), [401, 401, 401, 401, 401]);
      assert.ok(
        codes.slice(5).every((c) => c === 429),
        `the attacker's network is throttled: ${codes}`,
      );
      // Even with the right password, the attacker's network waits out the window.
      assert.equal((await login(fx.victim.password, fx.attackerIps[0])).statusCode, 429);
      for (const ip of fx.ownerIps as string[]) {
        const res = await login(fx.victim.password, ip);
        assert.equal(res.statusCode, 303, `the owner logs in from ${ip}`);
      }
    });

    test("one address trying many names is still stopped by the per-IP limit", async () => {
      const codes: number[] = [];
      for (let i = 0; i < fx.sprayAttempts; i++)
        codes.push((await login("guess", fx.sprayIp, `name${i}`)).statusCode);
      assert.equal(codes.at(-1), 429);
      assert.equal(codes.filter((c) => c === 401).length, fx.sprayAttempts - 1);
    });
  });
}
