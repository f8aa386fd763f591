-- Semantic search: versioned embedding models and one vector per paper per model.
-- Vectors are little-endian float32 in bytea (no pgvector: Debian's Postgres lacks it, and
-- PGlite must behave the same). Search itself runs on an in-process index built from these rows.

create table embedding_models (
  id integer generated always as identity primary key,
  -- 'builtin-lsa' is learned from the corpus; 'remote' calls an OpenAI-compatible endpoint
  kind text not null check (kind in ('builtin-lsa', 'remote')),
  -- the remote model's name, or 'lsa-<dims>' for the built-in one
  name text not null,
  dims integer not null check (dims > 0),
  params jsonb not null default '{}',
  -- built-in model only: its vocabulary and packed float32 idf + term vectors
  vocab text[],
  weights bytea,
  -- 'embedding': papers are being embedded and search still uses the previous active model;
  -- 'active': the one model search uses; 'retired': superseded, its vectors deleted
  status text not null default 'embedding' check (status in ('embedding', 'active', 'retired')),
  created_at timestamptz not null default now(),
  activated_at timestamptz
);
create unique index embedding_models_one_active on embedding_models ((true)) where status = 'active';

create sequence paper_embeddings_seq;

create table paper_embeddings (
  model_id integer not null references embedding_models (id) on delete cascade,
  arxiv_id text not null references papers (arxiv_id) on delete cascade,
  -- bumped on every write: the vector index syncs by reading rows past its watermark
  seq bigint not null default nextval('paper_embeddings_seq'),
  -- md5 of the embedded text, so a paper whose title or abstract changed is embedded again
  content_hash text not null,
  vector bytea not null,
  embedded_at timestamptz not null default now(),
  primary key (model_id, arxiv_id)
);
create index paper_embeddings_seq_idx on paper_embeddings (model_id, seq);
