-- Topics, their feeds and digest sections now run through the search service, like the search
-- page (src/topics/papers.ts), so nothing reads the Postgres full-text column any more. Keeping
-- it generated and indexed made every paper write about 10x slower than COPY allows.
drop index if exists papers_search_idx;
alter table papers drop column if exists search_vector;
