-- Community: sessions, one-time email tokens, upvotes, threaded comments, the moderation log
-- and rate-limit buckets. Buckets live here (not in process memory) so several web processes
-- on one Postgres server share the same limits.

-- A generated signing secret for installs that set no SECRET; never kept in the repository.
create table app_secrets (
  name text primary key,
  value text not null,
  created_at timestamptz not null default now()
);

-- Only a SHA-256 of the cookie value is stored: a leaked table opens no session.
create table sessions (
  id_hash text primary key,
  user_id integer not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_idx on sessions (user_id);

-- Email verification and password reset. Keyed by an HMAC of the emailed token; single use.
create table user_tokens (
  token_hash text primary key,
  user_id integer not null references users (id) on delete cascade,
  purpose text not null check (purpose in ('verify_email', 'reset_password')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index user_tokens_user_idx on user_tokens (user_id, purpose);

create table upvotes (
  user_id integer not null references users (id) on delete cascade,
  arxiv_id text not null references papers (arxiv_id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (user_id, arxiv_id)
);
create index upvotes_paper_idx on upvotes (arxiv_id);

create table comments (
  id integer generated always as identity primary key,
  arxiv_id text not null references papers (arxiv_id) on delete cascade,
  user_id integer not null references users (id),
  parent_id integer references comments (id),
  body text not null,
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  hidden_at timestamptz,
  hidden_reason text,
  hidden_by integer references users (id)
);
create index comments_paper_idx on comments (arxiv_id, created_at);
create index comments_user_idx on comments (user_id, created_at desc);

-- Append-only: rows are written in the same transaction as the action they record.
create table mod_log (
  id integer generated always as identity primary key,
  moderator_id integer not null references users (id),
  action text not null,
  target_type text not null check (target_type in ('paper', 'feed_entry', 'comment', 'user')),
  target_id text not null,
  target_label text,
  reason text not null,
  created_at timestamptz not null default now()
);
create index mod_log_created_idx on mod_log (created_at desc);

create function mod_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'mod_log is append-only';
end;
$$;
create trigger mod_log_no_change before update or delete on mod_log
  for each row execute function mod_log_append_only();

-- Fixed-window counters, one row per (rule, who); updated with one atomic upsert.
create table rate_buckets (
  key text primary key,
  window_start timestamptz not null,
  hits integer not null
);

create index feed_entries_submitter_idx on feed_entries (submitted_by, submitted_at desc)
  where submitted_by is not null;
