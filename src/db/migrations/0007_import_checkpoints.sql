-- Where each file import stands, so an interrupted import resumes instead of starting over.
-- A batch of records and the checkpoint that counts it commit in one transaction, so the
-- position and the running totals always match what the database holds.
create table import_checkpoints (
  kind text not null check (kind in ('arxiv-snapshot', 'hf-daily')),
  -- absolute path of the file or folder given on the command line
  path text not null,
  -- size and mtime of the input (for a folder: of its files): a changed input starts over
  fingerprint text not null,
  -- input units fully committed (snapshot: lines; hf-daily: files, in name order)
  position bigint not null default 0,
  -- running totals of the import so far (inserted, updated, unchanged, failed, ...)
  counts jsonb not null default '{}',
  started_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (kind, path)
);
