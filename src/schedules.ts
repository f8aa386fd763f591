import { nextRunAt } from "./ingest/sync/clock-time.ts";
import { runDailySync } from "./ingest/sync/daily.ts";
import type { Services } from "./services.ts";

/**
 * Every recurring job the server runs, declared here and nowhere else. Each one runs at a
 * wall-clock time in a time zone; a schedule that is off is simply not started.
 */
interface Schedule {
  name: string;
  enabled: boolean;
  /** HH:MM */
  at: string;
  tz: string;
  run(nextRun: Date): Promise<unknown>;
}

interface Log {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function schedules({ config, db, log }: Pick<Services, "config" | "db" | "log">): Schedule[] {
  return [
    {
      name: "arxiv-sync",
      enabled: config.syncEnabled,
      at: config.syncTime,
      tz: config.syncTz,
      run: (next) =>
        runDailySync(
          db,
          config.syncSets,
          { oaiUrl: config.arxivOaiUrl, delayMs: config.arxivDelayMs, tz: config.syncTz, log },
          next,
        ),
    },
  ];
}

/** Starts the enabled schedules; `stop` cancels the timers (a run in progress finishes). */
export function startSchedules(list: Schedule[], log: Log, now = () => Date.now()): { stop(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  const arm = (s: Schedule) => {
    const at = nextRunAt(s.at, s.tz, now());
    log.info({ schedule: s.name, nextRunAt: at.toISOString() }, "schedule armed");
    const fire = async () => {
      const following = nextRunAt(s.at, s.tz, Math.max(now(), at.getTime()));
      try {
        const result = await s.run(following);
        log.info({ schedule: s.name, result }, "schedule ran");
      } catch (err) {
        log.error({ schedule: s.name, err: (err as Error).message }, "schedule failed");
      }
      if (!stopped) arm(s);
    };
    // setTimeout caps at ~24.8 days; a daily schedule is always well within it.
    timers.set(s.name, setTimeout(fire, Math.max(0, at.getTime() - now())));
  };
  for (const s of list) if (s.enabled) arm(s);
  return {
    stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
    },
  };
}
