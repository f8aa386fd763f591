import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { parseEmail } from "../../src/email/address.ts";
import { anonymous, post } from "../community/helpers.ts";
import type { TestApp } from "../helpers/app.ts";
import { openAppWithSmtp } from "../helpers/app-with-smtp.ts";
import { testBackends } from "../helpers/db.ts";
import type { TestSmtp } from "../helpers/smtp.ts";
import { tempDir } from "../ingest/helpers.ts";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/email-addresses.json", import.meta.url), "utf8"));
const refused: string[] = fixture.refused;
const accepted: [string, string][] = fixture.accepted;

test("one strict validator: control, format and look-alike characters are refused, plain addresses kept", () => {
  for (const a of refused) assert.equal(parseEmail(a).ok, false, JSON.stringify(a));
  for (const [a, want] of accepted) assert.deepEqual(parseEmail(a), { ok: true, email: want });
});

test("the CLI refuses such an address before creating anything", async () => {
  const dir = tempDir("cli-email");
  const run = promisify(execFile);
  const passwordFile = path.join(dir, "password");
  writeFileSync(passwordFile, "long enough password\n");
  const err = await run(
    process.execPath,
    [
      "bin/dailypapers.js",
      "user",
      "create",
      "--username",
      "victim",
      "--email",
      refused[0],
      "--password-file",
      passwordFile,
    ],
    { env: { ...process.env, DATA_DIR: dir, DATABASE_URL: "" } },
  ).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  );
  assert.ok(err, "exits with an error");
  assert.notEqual(err.code, 0);
  assert.match(err.stderr, /valid email address/);
});

for (const backend of testBackends()) {
  describe(`email addresses on ${backend}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let close: () => Promise<void>;
    before(async () => {
      ({ t, smtp, close } = await openAppWithSmtp(backend));
    });
    after(() => close());

    test("sign-up and subscribe refuse each address with a 400 and store nothing; never a 500", async () => {
      for (const [i, email] of refused.entries()) {
        const ip = `10.77.${i}.1`;
        const signup = await post(
          t.app,
          anonymous(),
          "/signup",
          { username: `victim${i}`, email, password: "long enough password" },
          { ip },
        );
        assert.equal(signup.statusCode, 400, `sign-up ${JSON.stringify(email)}`);
        // Control characters are refused by the form's field schema before the address
        // validator sees them; either way the person is told what is wrong with the field.
        assert.match(
          signup.body,
          /valid email address|Invalid field (&quot;|")email(&quot;|"): must not contain/,
        );
        const sub = await post(t.app, anonymous(), "/subscribe", { email }, { ip });
        assert.equal(sub.statusCode, 400, `subscribe ${JSON.stringify(email)}`);
      }
      const users = await t.db.query(`select 1 from users where username like 'victim%'`);
      const subs = await t.db.query(`select 1 from subscribers`);
      assert.equal(users.length + subs.length, 0);
    });

    test("an address SMTP refuses gets the ordinary answer, not a 500", async () => {
      smtp.rejectRecipient("refused@example.com", 550);
      const res = await post(
        t.app,
        anonymous(),
        "/signup",
        {
          username: "refusedone",
          email: "refused@example.com",
          password: "long enough password",
        },
        { ip: "10.78.0.1" },
      );
      assert.equal(res.statusCode, 303);
      const sub = await post(
        t.app,
        anonymous(),
        "/subscribe",
        { email: "refused@example.com" },
        { ip: "10.78.0.2" },
      );
      assert.ok(sub.statusCode < 500, `subscribe answered ${sub.statusCode}`);
    });
  });
}
