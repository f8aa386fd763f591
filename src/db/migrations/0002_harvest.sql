-- Live arXiv ingestion: where each OAI-PMH harvest stands, and the daily sync's run log.
-- One row per (set, metadata format). The page's records and the row's new token are written
-- in one transaction, so a harvest killed at any point resumes from its last committed page.

create table harvest_state (
  set_spec text not null default '',
  format text not null check (format in ('arXiv', 'arXivRaw')),
  status text not null default 'idle' check (status in ('idle', 'running', 'done')),
  window_from date,
  window_until date,
  resumption_token text,
  cursor integer not null default 0,
  complete_list_size integer,
  -- the largest datestamp stored in the running window, and in the last finished one:
  -- "last changed" dates, so the next incremental harvest starts from there
  window_max_datestamp date,
  last_datestamp date,
  pages integer not null default 0,
  records integer not null default 0,
  inserted integer not null default 0,
  updated integer not null default 0,
  deleted integer not null default 0,
  restarts integer not null default 0,
  last_error text,
  started_at timestamptz,
  updated_at timestamptz,
  finished_at timestamptz,
  -- a lease rather than a session lock: it works through a connection pool and on PGlite,
  -- and a holder that died (kill -9) is detected by its pid or by the lease running out
  locked_by text,
  locked_until timestamptz,
  primary key (set_spec, format)
);

create table sync_runs (
  id integer generated always as identity primary key,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null default 'running' check (status in ('running', 'ok', 'failed', 'skipped')),
  sets text[] not null default '{}',
  records integer not null default 0,
  inserted integer not null default 0,
  updated integer not null default 0,
  deleted integer not null default 0,
  feed_added integer not null default 0,
  error text,
  next_run_at timestamptz
);
create index sync_runs_started_idx on sync_runs (started_at desc);
