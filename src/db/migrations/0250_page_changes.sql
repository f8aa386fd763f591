-- What each site_version step changed, so a vote no longer empties every node's page cache
-- (web/page-cache.ts). Before, any write bumped the one number and every cached page was
-- rendered again; under mixed traffic with a few votes a second that meant nearly no hits.
--
-- Each step of site_version now leaves one row or more here: scope '*' for a change any page
-- may show (a paper's text, a feed entry, a user, a topic, a model), or, for a change of only a
-- paper's vote or comment counters or its comments, the scopes it touches: 'paper:ID', 'day:D'
-- for each feed day the paper is on (those pages order by votes), and 'votes' (pages that rank
-- every paper by votes, such as trending). A node reads the steps after the one it knows and
-- drops the cached pages that depend on a changed scope.
--
-- The number is still taken by updating the one site_version row at commit (deferred triggers),
-- so steps commit in the order of their numbers and a reader that sees number N sees every
-- row of steps up to N. Every step writes at least one row, so a missing step means pruned
-- rows, and the reader then drops everything.
create table page_changes (
  version bigint not null,
  scope text not null
);
create index page_changes_version_idx on page_changes (version);

-- The transaction's step: taken at its first change, then reused (a transaction-local setting).
create function page_change_version() returns bigint language plpgsql as $$
declare
  v bigint := nullif(current_setting('dailypapers.site_version', true), '')::bigint;
begin
  if v is null then
    update site_version set version = version + 1 returning version into v;
    perform set_config('dailypapers.site_version', v::text, true);
    -- Keep the last 1,000 steps: a node further behind than that drops its whole cache.
    if v % 100 = 0 then
      delete from page_changes where version <= v - 1000;
    end if;
  end if;
  return v;
end
$$;

-- Records scopes for this transaction's step. After a '*' nothing more is worth recording, so
-- a 1,000-row import batch still writes one row.
create function record_page_changes(scopes text[]) returns void language plpgsql as $$
declare
  v bigint;
begin
  if current_setting('dailypapers.restoring', true) = 'on'
     or current_setting('dailypapers.page_changed_all', true) = 'y' then
    return;
  end if;
  v := page_change_version();
  if '*' = any(scopes) then
    perform set_config('dailypapers.page_changed_all', 'y', true);
    insert into page_changes (version, scope) values (v, '*');
  else
    insert into page_changes (version, scope) select distinct v, s from unnest(scopes) s;
  end if;
end
$$;

-- Everything but the counters a vote or a comment moves is '*'.
create function papers_page_change() returns trigger language plpgsql as $$
declare
  counters constant text[] := array['local_upvotes', 'local_comments'];
begin
  if tg_op = 'UPDATE' and (to_jsonb(old) - counters) = (to_jsonb(new) - counters) then
    perform record_page_changes(array['paper:' || new.arxiv_id, 'votes'] ||
      array(select 'day:' || feed_date::text from feed_entries where arxiv_id = new.arxiv_id));
  else
    perform record_page_changes(array['*']);
  end if;
  return null;
end
$$;

-- An upvote row is shown only to its voter (never cached); its count is in papers. A comment
-- shows on its paper's page, and its author's name with it (users changes are '*').
create function paper_row_page_change() returns trigger language plpgsql as $$
declare
  id text := case when tg_op = 'DELETE' then old.arxiv_id else new.arxiv_id end;
begin
  perform record_page_changes(array['paper:' || id]);
  if tg_op = 'UPDATE' and old.arxiv_id is distinct from new.arxiv_id then
    perform record_page_changes(array['paper:' || old.arxiv_id]);
  end if;
  return null;
end
$$;

create or replace function bump_site_version() returns trigger language plpgsql as $$
begin
  perform record_page_changes(array['*']);
  return null;
end
$$;

drop trigger papers_site_version on papers;
create constraint trigger papers_site_version after insert or update or delete on papers
  deferrable initially deferred for each row execute function papers_page_change();
drop trigger upvotes_site_version on upvotes;
create constraint trigger upvotes_site_version after insert or update or delete on upvotes
  deferrable initially deferred for each row execute function paper_row_page_change();
drop trigger comments_site_version on comments;
create constraint trigger comments_site_version after insert or update or delete on comments
  deferrable initially deferred for each row execute function paper_row_page_change();
