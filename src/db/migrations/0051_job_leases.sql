-- Recurring jobs (src/scheduler/): with several web nodes on one database, each job runs on one
-- node at a time. A node holds a job's lease while it runs it and renews it by heartbeat; a node
-- that dies stops renewing, and another takes the job over once the lease has run out. Expiry is
-- compared with the database's clock, so the nodes' own clocks do not matter.
create table job_leases (
  job text primary key,
  holder text,
  expires_at timestamptz not null default now(),
  -- the latest occurrence that finished, so a node that fires late does not run it again
  done_due timestamptz
);

-- One row per run, kept a week: which node ran what, when, and how it ended. A run whose node
-- died stays 'running' until the node that takes the job over marks it 'abandoned'.
create table job_runs (
  id bigint generated always as identity primary key,
  job text not null,
  holder text not null,
  due timestamptz not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null default 'running' check (status in ('running', 'ok', 'failed', 'stopped', 'abandoned')),
  error text
);
create index job_runs_job_started_idx on job_runs (job, started_at desc);
