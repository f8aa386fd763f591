-- Acronyms and their long forms, learned from the papers (src/search/acronyms/): every pair
-- defined by at least two papers, with its counts; search uses the reliable ones.
create table acronyms (
  short_form text not null,
  -- the long form through the search analyser, so spellings that differ in hyphens or
  -- inflection are one row
  long_key text not null,
  -- the most common spelling, lower case: 'large language models'
  long_form text not null,
  -- papers that define this pair
  papers integer not null,
  -- of the papers that define this short form, the share that give this long form
  share real not null,
  -- the corpus mostly writes the short form in lower case as an ordinary word ('map')
  common_word boolean not null default false,
  primary key (short_form, long_key)
);

-- One row: how many papers the last refresh read, so the next runs when the corpus has grown.
create table acronym_refresh (
  id integer primary key default 1 check (id = 1),
  corpus_papers integer not null,
  pairs integer not null,
  refreshed_at timestamptz not null default now()
);
