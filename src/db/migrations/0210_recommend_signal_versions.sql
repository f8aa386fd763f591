-- One number per person that moves whenever any of their "for you" signals changes (an upvote,
-- a save, a collection entry, a dismissal, a followed author or topic), so a trained ranker can
-- be kept in memory and reused until then (recommend/ranker-cache.ts), on every node.
create table recommend_signal_versions (
  user_id integer primary key references users (id) on delete cascade,
  version bigint not null default 0
);

-- A person being deleted takes their signals with them; nothing to record then. A restore
-- (db/backup.ts, dailypapers.restoring) loads this table as it was.
create function bump_recommend_signals(uid integer) returns void language plpgsql as $$
begin
  if uid is null or current_setting('dailypapers.restoring', true) = 'on' then
    return;
  end if;
  insert into recommend_signal_versions (user_id, version)
    select uid, 1 where exists (select 1 from users where id = uid)
  on conflict (user_id) do update set version = recommend_signal_versions.version + 1;
end
$$;

create function recommend_signal_changed() returns trigger language plpgsql as $$
begin
  if tg_table_name = 'collection_papers' then
    perform bump_recommend_signals(c.user_id) from collections c
      where c.id in (coalesce(new.collection_id, -1), coalesce(old.collection_id, -1));
  elsif tg_table_name = 'subscriber_topics' then
    perform bump_recommend_signals(s.user_id) from subscribers s
      where s.id in (coalesce(new.subscriber_id, -1), coalesce(old.subscriber_id, -1));
  else
    if tg_op <> 'DELETE' then
      perform bump_recommend_signals(new.user_id);
    end if;
    if tg_op <> 'INSERT' and (tg_op = 'DELETE' or new.user_id is distinct from old.user_id) then
      perform bump_recommend_signals(old.user_id);
    end if;
  end if;
  return null;
end
$$;

create trigger saves_signal after insert or update or delete on saves
  for each row execute function recommend_signal_changed();
create trigger upvotes_signal after insert or update or delete on upvotes
  for each row execute function recommend_signal_changed();
create trigger dismissals_signal after insert or update or delete on dismissals
  for each row execute function recommend_signal_changed();
create trigger author_follows_signal after insert or update or delete on author_follows
  for each row execute function recommend_signal_changed();
create trigger user_topics_signal after insert or update or delete on user_topics
  for each row execute function recommend_signal_changed();
create trigger collections_signal after delete on collections
  for each row execute function recommend_signal_changed();
create trigger collection_papers_signal after insert or update or delete on collection_papers
  for each row execute function recommend_signal_changed();
create trigger subscribers_signal after update of status, user_id or delete on subscribers
  for each row execute function recommend_signal_changed();
create trigger subscriber_topics_signal after insert or update or delete on subscriber_topics
  for each row execute function recommend_signal_changed();
