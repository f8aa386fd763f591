import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  recordBounce,
  subscriberByEmail,
  subscribersList,
  unsubscribeSubscriber,
} from "../../src/email/subscribers-store.ts";
import { signToken } from "../../src/email/tokens.ts";
import { topicsFollowedBy, topicsList } from "../../src/topics/store.ts";
import { anonymous, makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { BASE_URL, linkPath, TEST_SECRET } from "./fixture.ts";

let ipSeq = 0;
const freshIp = () => `10.0.${Math.floor(++ipSeq / 200)}.${ipSeq % 200}`;

for (const backend of testBackends()) {
  describe(`subscribing on ${backend}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    const clock = { now: new Date("2026-11-24T09:00:00Z") };
    const client = anonymous();
    const subscribe = (email: string, ip = freshIp()) => post(t.app, client, "/subscribe", { email }, { ip });
    const mailsTo = (addr: string) =>
      smtp.messages.filter(
        (m) => (m.to && !Array.isArray(m.to) ? m.to.text : "").toLowerCase() === addr.toLowerCase(),
      );

    /** The n-th mail to an address, once the mails a request started have left. */
    const mailTo = async (addr: string, n = 1) => {
      await t.services.background.drain();
      const m = mailsTo(addr)[n - 1];
      if (!m) throw new Error(`no mail ${n} to ${addr}`);
      return m;
    };

    before(async () => {
      smtp = await startTestSmtp();
      t = await openTestApp(backend, { env: { SMTP_URL: smtp.url, BASE_URL }, now: () => clock.now });
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });

    test("bad addresses get a clear answer, and nothing is stored or sent", async () => {
      const cases: [string, RegExp][] = [
        ["", /Enter an email address/],
        ["not-an-email", /not a valid email address/],
        [`${"a".repeat(300)}@example.org`, /too long/],
        ["eve@example.org\r\nBcc: victim@example.org", /not a valid email address/],
        ["eve@example.org\nSubject: hi", /not a valid email address/],
        ["<script>@example.org", /not a valid email address/],
      ];
      for (const [email, message] of cases) {
        const res = await subscribe(email);
        assert.equal(res.statusCode, 400, JSON.stringify(email));
        assert.match(res.body, message);
        assert.ok(!res.body.includes("<script>@"), "the input is escaped when shown");
      }
      const huge = await subscribe("x".repeat(300_000));
      assert.equal(huge.statusCode, 413);
      await t.services.background.drain();
      assert.equal((await subscribersList(t.db)).length, 0);
      assert.equal(smtp.messages.length, 0);
    });

    test("the form needs its CSRF token", async () => {
      const res = await t.app.inject({
        method: "POST",
        url: "/subscribe",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "email=csrf%40example.org",
      });
      assert.equal(res.statusCode, 403);
      assert.equal(await subscriberByEmail(t.db, "csrf@example.org"), null);
    });

    test("new, pending, confirmed, unsubscribed and suspended addresses all get the same answer", async () => {
      for (const e of ["pending@enum.test", "confirmed@enum.test", "gone@enum.test", "bounced@enum.test"])
        await subscribe(e);
      await t.services.background.drain();
      const confirmMail = await mailTo("confirmed@enum.test");
      assert.equal(
        (await t.app.inject(linkPath(confirmMail.text ?? "", "/subscribe/confirm?token="))).statusCode,
        200,
      );
      const gone = await subscriberByEmail(t.db, "gone@enum.test");
      await unsubscribeSubscriber(t.db, gone?.id ?? 0, clock.now);
      const bounced = await subscriberByEmail(t.db, "bounced@enum.test");
      await recordBounce(t.db, bounced?.id ?? 0, 1, clock.now);

      const bodies = new Set<string>();
      for (const e of [
        "new@enum.test",
        "pending@enum.test",
        "confirmed@enum.test",
        "gone@enum.test",
        "bounced@enum.test",
      ]) {
        const res = await subscribe(e);
        assert.equal(res.statusCode, 200);
        bodies.add(res.body);
      }
      assert.equal(bodies.size, 1, "one answer for every address");
      assert.match([...bodies][0], /Check your inbox/);
    });

    test("at most one mail per hour per address, whatever is submitted", async () => {
      for (let i = 0; i < 4; i++) await subscribe("Hourly@Limit.test");
      await mailTo("hourly@limit.test", 1);
      await t.services.background.drain();
      assert.equal(mailsTo("hourly@limit.test").length, 1);
      clock.now = new Date(clock.now.getTime() + 59 * 60_000);
      await subscribe("hourly@limit.test");
      await t.services.background.drain();
      assert.equal(mailsTo("hourly@limit.test").length, 1);
      clock.now = new Date(clock.now.getTime() + 2 * 60_000);
      await subscribe("hourly@limit.test");
      await mailTo("hourly@limit.test", 2);
      await t.services.background.drain();
      assert.equal(mailsTo("hourly@limit.test").length, 2);
      // A confirmed address learns of the attempt by mail, at most hourly too.
      const link = linkPath((await mailTo("hourly@limit.test", 2)).text ?? "", "/subscribe/confirm?token=");
      assert.equal((await t.app.inject(link)).statusCode, 200);
      clock.now = new Date(clock.now.getTime() + 61 * 60_000);
      await subscribe("hourly@limit.test");
      await subscribe("hourly@limit.test");
      await mailTo("hourly@limit.test", 3);
      await t.services.background.drain();
      const mails = mailsTo("hourly@limit.test");
      assert.equal(mails.length, 3);
      assert.match(mails[2].subject ?? "", /already subscribed/);
    });

    test("tampered, expired and misused tokens are refused and change nothing", async () => {
      await subscribe("token@check.test");
      await t.services.background.drain();
      const link = linkPath((await mailTo("token@check.test")).text ?? "", "/subscribe/confirm?token=");
      const token = decodeURIComponent(link.split("token=")[1]);
      const sub = await subscriberByEmail(t.db, "token@check.test");
      assert.ok(sub);
      const flip = token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.at(-1);
      const forged = signToken("another-secret", "confirm", { s: sub.id, e: sub.email, x: 9e9 });
      const asUnsubscribe = signToken(TEST_SECRET, "unsubscribe", { s: sub.id, e: sub.email });
      for (const bad of [flip, forged, asUnsubscribe, "garbage", "a.b.c"]) {
        const res = await t.app.inject(`/subscribe/confirm?token=${encodeURIComponent(bad)}`);
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /not valid/);
      }
      const later = clock.now;
      clock.now = new Date(later.getTime() + 49 * 3600_000);
      const expired = await t.app.inject(link);
      assert.equal(expired.statusCode, 400);
      assert.match(expired.body, /expired/);
      clock.now = later;
      assert.equal((await subscriberByEmail(t.db, "token@check.test"))?.status, "pending");
      // An unsubscribe POST with a confirm token does nothing either.
      const wrong = await t.app.inject({
        method: "POST",
        url: `/unsubscribe?token=${encodeURIComponent(token)}`,
      });
      assert.equal(wrong.statusCode, 400);
    });

    test("unsubscribe: GET asks, POST (one-click, no cookies) does it", async () => {
      await subscribe("leave@unsub.test");
      await t.services.background.drain();
      assert.equal(
        (
          await t.app.inject(
            linkPath((await mailTo("leave@unsub.test")).text ?? "", "/subscribe/confirm?token="),
          )
        ).statusCode,
        200,
      );
      const sub = await subscriberByEmail(t.db, "leave@unsub.test");
      const token = signToken(TEST_SECRET, "unsubscribe", { s: sub?.id ?? 0, e: "leave@unsub.test" });
      const ask = await t.app.inject(`/unsubscribe?token=${encodeURIComponent(token)}`);
      assert.equal(ask.statusCode, 200);
      assert.match(ask.body, /l•••@unsub\.test/);
      assert.equal(
        (await subscriberByEmail(t.db, "leave@unsub.test"))?.status,
        "confirmed",
        "a GET changes nothing",
      );
      const res = await t.app.inject({
        method: "POST",
        url: `/unsubscribe?token=${encodeURIComponent(token)}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "List-Unsubscribe=One-Click",
      });
      assert.equal(res.statusCode, 200);
      assert.equal((await subscriberByEmail(t.db, "leave@unsub.test"))?.status, "unsubscribed");
      // RFC 8058 says mail clients SHOULD send it as multipart/form-data: that works too.
      await subscribe("multi@unsub.test");
      await t.services.background.drain();
      await t.app.inject(
        linkPath((await mailTo("multi@unsub.test")).text ?? "", "/subscribe/confirm?token="),
      );
      const multi = await subscriberByEmail(t.db, "multi@unsub.test");
      const token2 = signToken(TEST_SECRET, "unsubscribe", { s: multi?.id ?? 0, e: "multi@unsub.test" });
      const boundary = "----dp-test-boundary";
      const multipart = await t.app.inject({
        method: "POST",
        url: `/unsubscribe?token=${encodeURIComponent(token2)}`,
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
      });
      assert.equal(multipart.statusCode, 200);
      assert.equal((await subscriberByEmail(t.db, "multi@unsub.test"))?.status, "unsubscribed");
    });

    test("topics refuse line breaks and overlong input, and store nothing", async () => {
      const before = (await topicsList(t.db)).length;
      for (const fields of [
        { q: "medical AI", name: "Medical\r\nBcc: x@example.org" },
        { q: "a".repeat(251), name: "Long" },
        { q: "", name: "Empty" },
        { q: "category:not-a-category!", name: "Bad filter" },
      ]) {
        const res = await post(t.app, client, "/topics", fields, { ip: freshIp() });
        assert.equal(res.statusCode, 400, JSON.stringify(fields));
        assert.match(res.body, /notice error/);
      }
      assert.equal((await topicsList(t.db)).length, before);
    });

    test("any search can be saved as a topic and followed by email, with the same double opt-in", async () => {
      const form = await t.app.inject(`/topics/new?q=${encodeURIComponent("category:cs.CV segmentation")}`);
      assert.match(form.body, /name="q" required maxlength="250" value="category:cs.CV segmentation"/);
      const ip = freshIp();
      const res = await post(
        t.app,
        client,
        "/topics",
        { q: "category:cs.CV segmentation", name: "Vision segmentation", email: "fan@topic.test" },
        { ip },
      );
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, "/topics/vision-segmentation?followed=mailed");
      const mail = await mailTo("fan@topic.test");
      assert.equal(mail.subject, "Confirm following a topic on Daily Papers");
      assert.match(mail.text ?? "", /“Vision segmentation”/);
      assert.equal(
        (await t.app.inject(linkPath(mail.text ?? "", "/subscribe/confirm?token="))).statusCode,
        200,
      );
      const sub = await subscriberByEmail(t.db, "fan@topic.test");
      assert.equal(sub?.status, "confirmed");
      const follows = await topicsFollowedBy(t.db, sub?.id ?? 0);
      assert.deepEqual(
        follows.map((f) => f.slug),
        ["vision-segmentation"],
      );
      // Saving the same search again finds the same topic.
      const again = await post(
        t.app,
        client,
        "/topics",
        { q: "segmentation  category:CS.CV", name: "" },
        { ip },
      );
      assert.equal(again.headers.location, "/topics/vision-segmentation");
    });

    test("opening the settings page changes nothing; saving links the address's subscription", async () => {
      await subscribe("linker@example.com");
      const user = await makeUser(t.db, { username: "linker", now: clock.now });
      const unlinked = async () => (await subscriberByEmail(t.db, "linker@example.com"))?.userId ?? null;
      const page = await t.app.inject({ url: "/settings/digest", headers: { cookie: user.cookie } });
      assert.equal(page.statusCode, 200);
      assert.equal(await unlinked(), null, "GET wrote nothing");
      const save = await post(t.app, user, "/settings/digest", {
        frequency: "daily",
        send_hour: "8",
        time_zone: "UTC",
      });
      assert.equal(save.statusCode, 200);
      assert.notEqual(await unlinked(), null, "the change linked it");
    });

    test("account holders manage the subscription from their settings", async () => {
      const user = await makeUser(t.db, { username: "reader", now: clock.now });
      const empty = await t.app.inject({ url: "/settings/digest", headers: { cookie: user.cookie } });
      assert.equal(empty.statusCode, 200);
      assert.match(empty.body, /Subscribe reader@example\.com/);
      const sub = await post(t.app, user, "/settings/digest/subscribe", {}, { ip: freshIp() });
      assert.equal(sub.statusCode, 303);
      assert.equal(
        (await subscriberByEmail(t.db, "reader@example.com"))?.status,
        "confirmed",
        "a verified account needs no second confirmation",
      );
      const save = await post(t.app, user, "/settings/digest", {
        frequency: "weekly",
        send_hour: "7",
        time_zone: "Europe/Paris",
      });
      assert.equal(save.statusCode, 200);
      const s = await subscriberByEmail(t.db, "reader@example.com");
      assert.deepEqual(
        [s?.frequency, s?.sendHour, s?.timeZone, s?.weekdaysOnly],
        ["weekly", 7, "Europe/Paris", false],
      );
      const bad = await post(t.app, user, "/settings/digest", {
        frequency: "weekly",
        send_hour: "7",
        time_zone: "Mars/Base",
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /time zone/);
      const anon = await t.app.inject("/settings/digest");
      assert.equal(anon.statusCode, 303);
    });
  });
}
