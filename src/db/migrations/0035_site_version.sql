-- One number that moves whenever something an anonymous page shows changes, so every web node
-- can serve a rendered page from memory until then (web/page-cache.ts) and know at once, across
-- nodes, when it must render again.
--
-- The bump runs as a deferred constraint trigger: at commit, after every other statement of
-- the transaction. The row lock on site_version is therefore the last lock a writer takes, so
-- it cannot close a deadlock cycle with the rows the transaction changed, and the new number
-- becomes visible exactly when the data does. Only the first changed row of a transaction
-- updates the number (a transaction-local flag), so a 1,000-row import batch bumps once.
create table site_version (
  id boolean primary key default true check (id),
  version bigint not null default 0
);
insert into site_version default values;

-- A restore (db/backup.ts) loads rows as they were, number included: it sets
-- dailypapers.restoring for its transaction, and these triggers then leave everything alone.
create function bump_site_version() returns trigger language plpgsql as $$
begin
  if current_setting('dailypapers.site_version_bumped', true) = 'y'
     or current_setting('dailypapers.restoring', true) = 'on' then
    return null;
  end if;
  perform set_config('dailypapers.site_version_bumped', 'y', true);
  update site_version set version = version + 1;
  return null;
end
$$;

create constraint trigger papers_site_version after insert or update or delete on papers
  deferrable initially deferred for each row execute function bump_site_version();
create constraint trigger feed_entries_site_version after insert or update or delete on feed_entries
  deferrable initially deferred for each row execute function bump_site_version();
create constraint trigger upvotes_site_version after insert or update or delete on upvotes
  deferrable initially deferred for each row execute function bump_site_version();
create constraint trigger comments_site_version after insert or update or delete on comments
  deferrable initially deferred for each row execute function bump_site_version();
create constraint trigger users_site_version after insert or update or delete on users
  deferrable initially deferred for each row execute function bump_site_version();
create constraint trigger mod_log_site_version after insert or update or delete on mod_log
  deferrable initially deferred for each row execute function bump_site_version();
create constraint trigger topics_site_version after insert or update or delete on topics
  deferrable initially deferred for each row execute function bump_site_version();
create constraint trigger embedding_models_site_version after insert or update or delete on embedding_models
  deferrable initially deferred for each row execute function bump_site_version();

create or replace function log_paper_deletion() returns trigger language plpgsql as $$
begin
  if current_setting('dailypapers.restoring', true) is distinct from 'on' then
    insert into paper_deletions (arxiv_id) values (old.arxiv_id);
  end if;
  return old;
end
$$;
