-- For you: the signals a person gives (saves, collections, not-interested, followed authors),
-- what digests have shown them, onboarding, and personal API tokens. Every signal is a row that
-- can be deleted again, so each is undoable.

-- The reading list: one row per saved paper.
create table saves (
  user_id integer not null references users (id) on delete cascade,
  arxiv_id text not null references papers (arxiv_id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (user_id, arxiv_id)
);
create index saves_user_idx on saves (user_id, created_at desc);

create table collections (
  id integer generated always as identity primary key,
  user_id integer not null references users (id) on delete cascade,
  slug text not null,
  name text not null check (char_length(name) between 1 and 100),
  description text not null default '' check (char_length(description) <= 1000),
  is_public boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, slug)
);

create table collection_papers (
  collection_id integer not null references collections (id) on delete cascade,
  arxiv_id text not null references papers (arxiv_id) on delete cascade,
  added_at timestamptz not null default now(),
  primary key (collection_id, arxiv_id)
);

-- "Not interested": a negative signal, and never recommended again.
create table dismissals (
  user_id integer not null references users (id) on delete cascade,
  arxiv_id text not null references papers (arxiv_id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (user_id, arxiv_id)
);

-- Authors are names, not accounts: the key is the name normalised the way search normalises it
-- (TeX, accents and case folded), so "Schölkopf", "Sch\"olkopf" and "scholkopf" are one author.
create table author_follows (
  user_id integer not null references users (id) on delete cascade,
  author_key text not null,
  author_name text not null,
  created_at timestamptz not null default now(),
  primary key (user_id, author_key)
);

-- Papers by author key, derived from papers.authors (the key needs the search normaliser, which
-- SQL lacks). The author store brings it up to date from papers.modified_at before it reads.
create table paper_authors (
  arxiv_id text not null references papers (arxiv_id) on delete cascade,
  author_key text not null,
  position integer not null,
  primary key (arxiv_id, position)
);
create index paper_authors_key_idx on paper_authors (author_key);
create table paper_authors_sync (
  one boolean primary key default true check (one),
  synced_until timestamptz not null
);

-- Which papers a digest showed a person, so "for you" does not offer them again.
create table digest_shown (
  user_id integer not null references users (id) on delete cascade,
  arxiv_id text not null references papers (arxiv_id) on delete cascade,
  shown_at timestamptz not null default now(),
  primary key (user_id, arxiv_id)
);

-- When a person finished (or skipped) onboarding.
create table foryou_onboarding (
  user_id integer primary key references users (id) on delete cascade,
  done_at timestamptz not null default now()
);

-- Personal API tokens: only a SHA-256 of the token is stored; the token is shown once.
create table api_tokens (
  id integer generated always as identity primary key,
  user_id integer not null references users (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 100),
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_user_idx on api_tokens (user_id);

-- Topics a person follows for "for you" (onboarding, or the topic page) without an email
-- subscription; topics followed in a digest (subscriber_topics) count as well.
create table user_topics (
  user_id integer not null references users (id) on delete cascade,
  topic_id integer not null references topics (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (user_id, topic_id)
);
