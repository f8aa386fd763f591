-- Derived indexes (keyword, vector) are caught up from modified_at, which a deleted row no
-- longer has: deletions are logged here so every process can drop the paper from its indexes.
create table paper_deletions (
  arxiv_id text not null,
  deleted_at timestamptz not null default now()
);
create index paper_deletions_deleted_at on paper_deletions (deleted_at);

create function log_paper_deletion() returns trigger language plpgsql as $$
begin
  insert into paper_deletions (arxiv_id) values (old.arxiv_id);
  return old;
end
$$;

create trigger papers_log_deletion after delete on papers
  for each row execute function log_paper_deletion();
