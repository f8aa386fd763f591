-- A summary and keyphrases for papers that came without Hugging Face's AI summary
-- (src/summaries/): extracted offline at import, or written by an operator's LLM endpoint.
create table paper_summaries (
  arxiv_id text primary key references papers (arxiv_id) on delete cascade,
  summary text not null,
  keyphrases text[] not null default '{}',
  -- 'extracted': chosen from the abstract; 'llm': written by the configured chat model
  kind text not null check (kind in ('extracted', 'llm')),
  -- md5 of title and abstract when it was made: a changed paper is summarised again
  text_hash text not null,
  -- LLM attempts that failed, so a paper the endpoint cannot handle is not retried forever
  llm_failures integer not null default 0,
  llm_error text,
  updated_at timestamptz not null default now()
);
create index paper_summaries_kind on paper_summaries (kind);
