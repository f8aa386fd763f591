-- Facts a running server records for the CLI and other processes: its public URL, so that
-- `dailypapers digest preview` links to the server as it actually runs (port, host), not to
-- the CLI's own defaults. (Numbered with a gap: other branches add migrations in parallel.)
create table site_settings (
  name text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);
