import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { buildServices, type Services } from "../../src/services.ts";
import { buildApp } from "../../src/web/app.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { cookiesAfter, TEST_SECRET } from "./helpers.ts";

const PASSWORD = "correct horse battery staple";

/** A visitor with a cookie jar, talking to the real app. */
class Visitor {
  cookie = "";
  constructor(
    readonly app: FastifyInstance,
    readonly ip = "10.0.0.1",
  ) {}
  async get(url: string) {
    const res = await this.app.inject({
      method: "GET",
      url,
      remoteAddress: this.ip,
      headers: { cookie: this.cookie },
    });
    this.cookie = cookiesAfter(this.cookie, res.headers["set-cookie"]);
    return res;
  }
  /** Fetches the form page first, as a browser would, and posts with the token it carried. */
  async submit(formUrl: string, action: string, fields: Record<string, string>, csrf?: string) {
    const page = await this.get(formUrl);
    const token = csrf ?? /name="_csrf" value="([^"]*)"/.exec(page.body)?.[1] ?? "";
    const res = await this.app.inject({
      method: "POST",
      url: action,
      remoteAddress: this.ip,
      headers: { cookie: this.cookie, "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    });
    this.cookie = cookiesAfter(this.cookie, res.headers["set-cookie"]);
    return res;
  }
  session(): string | undefined {
    return /dp_session=([^;]+)/.exec(this.cookie)?.[1];
  }
}

function linkIn(text: string, path: string): string {
  const m = new RegExp(`https?://[^/\\s]+(${path}\\?token=[^\\s]+)`).exec(text);
  assert.ok(m, `no ${path} link in: ${text}`);
  return m[1];
}

for (const backend of testBackends()) {
  describe(`accounts on ${backend}`, () => {
    let db: TestDb;
    let app: FastifyInstance;
    let services: Services;
    let smtp: TestSmtp;
    const logLines: string[] = [];
    const secrets: string[] = [PASSWORD];

    before(async () => {
      smtp = await startTestSmtp();
      db = await openTestDb(backend);
      const stream = new Writable({
        write(chunk, _enc, cb) {
          logLines.push(String(chunk));
          cb();
        },
      });
      const config = loadConfig({
        SECRET: TEST_SECRET,
        SMTP_URL: smtp.url,
        BASE_URL: "https://papers.example",
        // The test's own proxy; the visitors below come from other addresses.
        TRUST_PROXY: "127.0.0.1",
      });
      services = await buildServices(config, { db, log: createLogger("trace", stream) });
      app = await buildApp(services);
    });
    after(async () => {
      await app.close();
      await services.close();
      await db.close();
      await smtp.close();
    });

    test("sign up, confirm the email from the message received, log out and in again", async () => {
      const v = new Visitor(app);
      const res = await v.submit("/signup", "/signup", {
        username: "alice",
        email: "alice@example.com",
        password: PASSWORD,
      });
      assert.equal(res.statusCode, 303);
      // Signing up says the same for a taken address, so it signs nobody in: the link does.
      assert.equal(v.session(), undefined);
      const mail = await smtp.nextMessage();
      assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : "", "alice@example.com");
      const link = linkIn(mail.text ?? "", "/verify-email");
      secrets.push(decodeURIComponent(link.split("token=")[1]));
      const confirm = await v.get(link);
      assert.equal(confirm.statusCode, 200);
      // Opening the link (as a mail scanner would) confirms nothing; the button does.
      let rows = await db.query<{ v: Date | null }>(
        `select email_verified_at as v from users where username = 'alice'`,
      );
      assert.equal(rows[0].v, null);
      const token = decodeURIComponent(link.split("token=")[1]);
      const done = await v.submit(link, "/verify-email", { token });
      assert.equal(done.statusCode, 303);
      const confirmed = await v.get(String(done.headers.location));
      assert.match(confirmed.body, /Email confirmed/);
      // the new account is led to onboarding
      assert.match(
        confirmed.body,
        /<a href="\/for-you\/start">Pick topics, authors or papers for your For-you feed<\/a>/,
      );
      const setCookie = [done.headers["set-cookie"]].flat().join("\n");
      assert.match(setCookie, /dp_session=[^;]+;.*HttpOnly; SameSite=Lax/);
      assert.ok(v.session(), "the confirmation link signs the new account in");
      rows = await db.query(`select email_verified_at as v from users where username = 'alice'`);
      assert.ok(rows[0].v instanceof Date);
      const again = await v.submit(link, "/verify-email", { token });
      assert.equal(again.statusCode, 400, "a used token does not work twice");

      secrets.push(v.session() as string);
      assert.equal((await v.submit("/", "/logout", {})).statusCode, 303);
      assert.equal(v.session(), undefined);
      const home = await v.get("/signup");
      assert.match(home.body, /Log in/);
      const login = await v.submit("/login", "/login", {
        login: "ALICE",
        password: PASSWORD,
        next: "/users/alice",
      });
      assert.equal(login.statusCode, 303);
      assert.equal(login.headers.location, "/users/alice");
      const profile = await v.get("/users/alice");
      assert.match(profile.body, /<span class="user-link">alice<\/span>/);
    });

    test("the session id rotates at login (no fixation) and the old one is dead", async () => {
      const v = new Visitor(app, "10.0.0.2");
      await v.submit("/login", "/login", { login: "alice", password: PASSWORD });
      const first = v.session();
      assert.ok(first);
      const attacker = new Visitor(app, "10.0.0.3");
      attacker.cookie = v.cookie;
      await v.submit("/login", "/login", { login: "alice", password: PASSWORD });
      const second = v.session();
      assert.ok(second && second !== first);
      const stale = await attacker.get("/submit");
      assert.equal(stale.statusCode, 303, "the pre-login session id no longer signs anyone in");
      assert.match(String(stale.headers.location), /^\/login/);
    });

    test("a missing or wrong CSRF token gets 403, for forms and JSON alike", async () => {
      const v = new Visitor(app, "10.0.0.4");
      await v.submit("/login", "/login", { login: "alice", password: PASSWORD });
      const noToken = await app.inject({
        method: "POST",
        url: "/logout",
        headers: { cookie: v.cookie, "content-type": "application/x-www-form-urlencoded" },
        payload: "",
      });
      assert.equal(noToken.statusCode, 403);
      const wrong = await v.submit("/", "/logout", {}, "forged-token");
      assert.equal(wrong.statusCode, 403);
      // A token valid for another visitor's cookie is no good either.
      const other = new Visitor(app, "10.0.0.5");
      const otherToken = /name="_csrf" value="([^"]*)"/.exec((await other.get("/signup")).body)?.[1] ?? "";
      assert.equal((await v.submit("/", "/logout", {}, otherToken)).statusCode, 403);
      const api = await app.inject({
        method: "POST",
        url: "/api/upvote",
        headers: { cookie: v.cookie, "content-type": "application/json" },
        payload: { arxiv_id: "2408.03361", vote: "1" },
      });
      assert.equal(api.statusCode, 403);
      assert.equal(api.json().status, 403);
      assert.ok(v.session(), "still signed in: the forged logouts did nothing");
    });

    test("login brute force is throttled per name, whatever the address", async () => {
      for (let i = 0; i < 5; i++) {
        const res = await new Visitor(app, `10.1.0.${i}`).submit("/login", "/login", {
          login: "alice",
          password: `guess-${i}-xxxx`,
        });
        assert.equal(res.statusCode, 401);
        assert.match(res.body, /Wrong username or password/);
      }
      const blocked = await new Visitor(app, "10.1.0.99").submit("/login", "/login", {
        login: "alice",
        password: PASSWORD,
      });
      assert.equal(blocked.statusCode, 429);
      assert.ok(Number(blocked.headers["retry-after"]) > 0);
      assert.match(blocked.body, /too often/);
      assert.equal(new Visitor(app).session(), undefined);
    });

    test("password reset by emailed, single-use link ends every session", async () => {
      const v = new Visitor(app, "10.2.0.1");
      await v.submit("/signup", "/signup", { username: "bob", email: "bob@example.com", password: PASSWORD });
      const welcome = await smtp.nextMessage();
      const verify = linkIn(welcome.text ?? "", "/verify-email");
      await v.submit(verify, "/verify-email", { token: decodeURIComponent(verify.split("token=")[1]) });
      assert.ok(v.session());
      const res = await v.submit("/forgot-password", "/forgot-password", { email: "BOB@example.com" });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /If an account uses that address/);
      const unknown = await v.submit("/forgot-password", "/forgot-password", { email: "nobody@example.com" });
      assert.equal(unknown.body.includes("If an account uses that address"), true, "no account enumeration");
      const mail = await smtp.nextMessage();
      const link = linkIn(mail.text ?? "", "/reset-password");
      const token = decodeURIComponent(link.split("token=")[1]);
      secrets.push(token);
      assert.equal((await v.get(link)).statusCode, 200);
      const newPassword = "a brand new passphrase";
      secrets.push(newPassword);
      const short = await v.submit(link, "/reset-password", { token, password: "short" });
      assert.equal(short.statusCode, 400);
      const ok = await v.submit(link, "/reset-password", { token, password: newPassword });
      assert.equal(ok.statusCode, 200);
      assert.equal((await v.get("/submit")).statusCode, 303, "the session ended with the reset");
      const reused = await v.submit("/forgot-password", "/reset-password", { token, password: newPassword });
      assert.equal(reused.statusCode, 400);
      assert.match(reused.body, /expired or was already used/);
      const oldPw = await new Visitor(app, "10.2.0.2").submit("/login", "/login", {
        login: "bob",
        password: PASSWORD,
      });
      assert.equal(oldPw.statusCode, 401);
      const newPw = await new Visitor(app, "10.2.0.3").submit("/login", "/login", {
        login: "bob",
        password: newPassword,
      });
      assert.equal(newPw.statusCode, 303);
    });

    test("bad sign-up input gets a clear message and stores nothing", async () => {
      const count = async () => (await db.query<{ n: number }>(`select count(*)::int as n from users`))[0].n;
      await db.query(
        `insert into users (username, origin, display_name) values ('hfperson', 'hf', 'HF Person')`,
      );
      const before = await count();
      const cases: [Record<string, string>, RegExp][] = [
        [{ username: "", email: "c@example.com", password: PASSWORD }, /Choose a username/],
        [{ username: "carol", email: "not-an-email", password: PASSWORD }, /valid email/],
        [{ username: "carol", email: "c@example.com", password: "" }, /at least 10/],
        // Cyrillic "а" looks like Latin "a": refused rather than allowed to impersonate.
        [{ username: "\u0430lice", email: "c@example.com", password: PASSWORD }, /not allowed/],
        [{ username: "Alice", email: "c@example.com", password: PASSWORD }, /taken/],
        [{ username: "\uff41\uff4c\uff49\uff43\uff45", email: "c@example.com", password: PASSWORD }, /taken/],
        [
          { username: "HFPerson", email: "c@example.com", password: PASSWORD },
          /imported Hugging Face submitter/,
        ],
        [{ username: "x'; drop table users; --", email: "c@example.com", password: PASSWORD }, /not allowed/],
        [{ username: "carol", email: "' or 1=1 --@x.com", password: PASSWORD }, /valid email/],
      ];
      let ip = 0;
      for (const [fields, message] of cases) {
        // Separate addresses: this is about validation, not the sign-up limit.
        const res = await new Visitor(app, `10.3.0.${ip++}`).submit("/signup", "/signup", fields);
        assert.equal(res.statusCode, 400, JSON.stringify(fields));
        assert.match(res.body, message);
      }
      const huge = await new Visitor(app, "10.3.1.1").submit("/signup", "/signup", {
        username: "x".repeat(5000),
        email: "c@example.com",
        password: PASSWORD,
      });
      assert.equal(huge.statusCode, 400);
      assert.equal(await count(), before);
      // Fullwidth letters normalise to ASCII.
      const ok = await new Visitor(app, "10.3.1.2").submit("/signup", "/signup", {
        username: "\uff43\uff41\uff52\uff4f\uff4c",
        email: "carol@example.com",
        password: PASSWORD,
      });
      assert.equal(ok.statusCode, 303);
      await smtp.nextMessage();
      const rows = await db.query<{ username: string }>(
        `select username from users where email = 'carol@example.com'`,
      );
      assert.equal(rows[0].username, "carol");
    });

    test("imported submitters cannot log in; SQL in the login box is just a wrong name", async () => {
      for (const login of ["hfperson", "' OR '1'='1' --", "alice' --"]) {
        const res = await new Visitor(app, "10.4.0.1").submit("/login", "/login", {
          login,
          password: "' OR '1'='1",
        });
        assert.equal(res.statusCode, 401, login);
      }
      const tables = await db.query(`select 1 from users limit 1`);
      assert.equal(tables.length, 1);
    });

    test("sign-ups are rate limited per address", async () => {
      const v = new Visitor(app, "10.5.0.1");
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await v.submit("/signup", "/signup", { username: "", email: "", password: "" });
        codes.push(res.statusCode);
      }
      assert.deepEqual(codes, [400, 400, 400, 400, 400, 429]);
    });

    test("a forged X-Forwarded-For from an untrusted address does not escape the per-IP limit", async () => {
      const v = new Visitor(app, "10.7.0.1");
      const form = await v.get("/signup");
      const token = /name="_csrf" value="([^"]*)"/.exec(form.body)?.[1] ?? "";
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await app.inject({
          method: "POST",
          url: "/signup",
          remoteAddress: v.ip,
          headers: {
            cookie: v.cookie,
            "x-forwarded-for": `203.0.113.${i}`,
            "content-type": "application/x-www-form-urlencoded",
          },
          payload: new URLSearchParams({ _csrf: token, username: "", email: "", password: "" }).toString(),
        });
        codes.push(res.statusCode);
      }
      assert.deepEqual(codes, [400, 400, 400, 400, 400, 429]);
    });

    test("cookies are Secure behind HTTPS and plain on HTTP", async () => {
      const https = await app.inject({ url: "/signup", headers: { "x-forwarded-proto": "https" } });
      assert.match(String(https.headers["set-cookie"]), /dp_csrf=[^;]+;.*HttpOnly; Secure; SameSite=Lax/);
      const http = await app.inject({ url: "/signup" });
      assert.doesNotMatch(String(http.headers["set-cookie"]), /Secure/);
    });

    test("passwords, tokens and session ids never reach the logs", () => {
      const log = logLines.join("");
      assert.ok(log.includes("incoming request"), "the log was captured");
      assert.ok(log.includes("/verify-email?token=[redacted]"));
      for (const s of secrets) assert.equal(log.includes(s), false, `leaked ${s.slice(0, 6)}…`);
    });
  });
}
