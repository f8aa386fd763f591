-- Core store: papers, the people who submit them, and the daily feed.
-- Counters that later capabilities maintain (local upvotes, comments) live on papers from the
-- start, so feeds can order by them without a join, and imports keep their own counts apart.

create table users (
  id integer generated always as identity primary key,
  username text not null,
  display_name text,
  email text,
  email_verified_at timestamptz,
  password_hash text,
  role text not null default 'user' check (role in ('user', 'moderator', 'admin')),
  -- 'local' accounts sign up here; 'hf' rows are submitters named in imported Hugging Face data
  -- and cannot log in (no password).
  origin text not null default 'local' check (origin in ('local', 'hf')),
  avatar_url text,
  suspended_at timestamptz,
  suspended_reason text,
  created_at timestamptz not null default now()
);
create unique index users_username_key on users (lower(username));
create unique index users_email_key on users (lower(email)) where email is not null;

create table papers (
  arxiv_id text primary key,
  version integer,
  title text not null,
  abstract text not null default '',
  -- ordered list of {"name": ..., "affiliation"?: ...}
  authors jsonb not null default '[]',
  authors_text text not null default '',
  categories text[] not null default '{}',
  primary_category text,
  published_at timestamptz,
  updated_at timestamptz,
  comments text,
  journal_ref text,
  doi text,
  report_no text,
  license text,
  submitter text,
  versions jsonb not null default '[]',
  github_repo text,
  github_stars integer,
  project_page text,
  ai_summary text,
  ai_keywords text[],
  -- upvotes and comment counts carried in by imports, kept apart from votes cast here
  imported_upvotes integer not null default 0,
  imported_comments integer not null default 0,
  local_upvotes integer not null default 0,
  local_comments integer not null default 0,
  source text not null,
  search_vector tsvector generated always as (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', authors_text), 'B') ||
    setweight(to_tsvector('english', abstract), 'C')
  ) stored,
  first_seen_at timestamptz not null default now(),
  modified_at timestamptz not null default now()
);
create index papers_search_idx on papers using gin (search_vector);
create index papers_published_idx on papers (published_at desc);
create index papers_categories_idx on papers using gin (categories);

create table feed_entries (
  id integer generated always as identity primary key,
  arxiv_id text not null references papers (arxiv_id) on delete cascade,
  feed_date date not null,
  submitted_by integer references users (id),
  submitted_at timestamptz not null default now(),
  -- the upvote count the entry carried when it was imported (Hugging Face data)
  imported_upvotes integer,
  origin text not null default 'local' check (origin in ('local', 'hf', 'arxiv')),
  hidden_at timestamptz,
  hidden_reason text,
  unique (arxiv_id, feed_date)
);
create index feed_entries_date_idx on feed_entries (feed_date);
