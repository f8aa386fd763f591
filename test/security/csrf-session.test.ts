import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { hashPassword } from "../../src/users/password.ts";
import { insertUser } from "../../src/users/store.ts";
import { cookiesAfter, makePaper, makeUser } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/csrf-session.json", import.meta.url), "utf8"));
const writes: { url: string; fields: Record<string, string> }[] = fixture.writes;
const tokenIn = (body: string) => /name="_csrf" value="([^"]*)"/.exec(body)?.[1] ?? "";
const cookieValue = (cookie: string, name: string) => new RegExp(`${name}=([^;]+)`).exec(cookie)?.[1] ?? "";

for (const backend of testBackends()) {
  describe(`CSRF tokens are bound to the session on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend);
    });
    after(async () => t.close());

    const get = async (url: string, cookie: string) => {
      const res = await t.app.inject({ url, headers: { cookie } });
      return { res, cookie: cookiesAfter(cookie, res.headers["set-cookie"]) };
    };
    const postForm = (url: string, cookie: string, fields: Record<string, string>) =>
      t.app.inject({
        method: "POST",
        url,
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams(fields).toString(),
      });

    test("an anonymous visitor's own (cookie, token) pair is refused with a victim's session", async () => {
      const paper = await makePaper(t.db);
      const victim = await makeUser(t.db);
      const victimSession = cookieValue(victim.cookie, "dp_session");
      const attacker = await get("/", "");
      const attackerNonce = cookieValue(attacker.cookie, "dp_csrf");
      const attackerToken = tokenIn(attacker.res.body);
      assert.ok(attackerNonce && attackerToken);
      // The attacker's pair works for the attacker, so the refusal below is about the session.
      const own = await postForm("/subscribe", attacker.cookie, {
        _csrf: attackerToken,
        email: "a@example.com",
      });
      assert.notEqual(own.statusCode, 403);
      const planted = `dp_session=${victimSession}; dp_csrf=${attackerNonce}`;
      for (const w of writes) {
        const fields = { _csrf: attackerToken, ...w.fields, arxiv_id: paper.arxivId };
        const res = await postForm(w.url, planted, fields);
        assert.equal(res.statusCode, 403, `${w.url} refused`);
      }
      const victimPage = await get(`/papers/${paper.arxivId}`, planted);
      const ok = await postForm("/upvote", victimPage.cookie, {
        _csrf: tokenIn(victimPage.res.body),
        arxiv_id: paper.arxivId,
        vote: "1",
      });
      assert.equal(ok.statusCode, 303, "the token the victim's own page carries works");
      const comments = await t.db.query(`select 1 from comments where arxiv_id = $1`, [paper.arxivId]);
      assert.equal(comments.length, 0);
    });

    test("logging in rotates the token: the one from before login is refused after it", async () => {
      const password = "correct horse battery staple";
      await insertUser(
        t.db,
        {
          username: "rotator",
          email: "rotator@example.com",
          passwordHash: await hashPassword(password),
          verified: true,
        },
        new Date(),
      );
      const form = await get("/login", "");
      const before = tokenIn(form.res.body);
      const login = await postForm("/login", form.cookie, { _csrf: before, login: "rotator", password });
      assert.equal(login.statusCode, 303);
      const cookie = cookiesAfter(form.cookie, login.headers["set-cookie"]);
      assert.ok(cookieValue(cookie, "dp_session"));
      const stale = await postForm("/logout", cookie, { _csrf: before });
      assert.equal(stale.statusCode, 403, "pre-login token refused");
      const fresh = await get("/", cookie);
      assert.notEqual(tokenIn(fresh.res.body), before);
      assert.equal(
        (await postForm("/logout", fresh.cookie, { _csrf: tokenIn(fresh.res.body) })).statusCode,
        303,
      );
    });
  });
}
