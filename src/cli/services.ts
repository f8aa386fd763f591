import { type Config, loadConfig } from "../config.ts";
import type { DeliveryDeps } from "../email/deps.ts";
import { deliveryDeps } from "../email/setup.ts";
import { buildServices, type Services } from "../services.ts";
import { publicUrl } from "../site-settings.ts";

/**
 * Runs a command with the same services the server builds (src/services.ts): search with all
 * its modes, the one mailer, the secret. Closes them when the command ends, even on error.
 */
export async function withServices<T>(
  fn: (s: Services) => Promise<T>,
  opts: { config?: Config; now?: () => Date } = {},
): Promise<T> {
  const services = await buildServices(opts.config ?? loadConfig(), { now: opts.now });
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

/**
 * The delivery commands' view of the services (digests, subscribers). Links point at the server
 * as it runs (it records its URL when it starts), not at the CLI's own HOST and PORT defaults.
 */
export function withDelivery<T>(
  fn: (d: DeliveryDeps) => Promise<T>,
  opts: { config?: Config; now?: () => Date } = {},
): Promise<T> {
  return withServices(
    async (s) => fn({ ...deliveryDeps(s), baseUrl: await publicUrl(s.db, s.config) }),
    opts,
  );
}
