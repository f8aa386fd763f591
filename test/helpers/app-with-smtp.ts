import { openTestApp, type TestApp } from "./app.ts";
import type { Backend } from "./db.ts";
import { startTestSmtp, type TestSmtp } from "./smtp.ts";

/** A test app whose mail goes to a real SMTP server in this process; close() stops both. */
export async function openAppWithSmtp(
  backend: Backend,
): Promise<{ t: TestApp; smtp: TestSmtp; close(): Promise<void> }> {
  const smtp = await startTestSmtp();
  const t = await openTestApp(backend, { env: { SMTP_URL: smtp.url } });
  return {
    t,
    smtp,
    async close() {
      await t.close();
      await smtp.close();
    },
  };
}
