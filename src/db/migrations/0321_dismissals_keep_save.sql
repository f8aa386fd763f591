-- "Not interested" on a saved paper takes it off the reading list (the two are opposite answers),
-- and its undo puts it back: the save's date waits here meanwhile, so a misclick loses nothing.
alter table dismissals add column saved_at timestamptz;

-- Papers saved and dismissed at once, from before the two were exclusive: the later answer wins,
-- a dismissal that wins keeps the save's date for its undo.
delete from dismissals d using saves s
  where s.user_id = d.user_id and s.arxiv_id = d.arxiv_id and s.created_at >= d.created_at;
with unsaved as (
  delete from saves s using dismissals d
    where s.user_id = d.user_id and s.arxiv_id = d.arxiv_id
  returning s.user_id, s.arxiv_id, s.created_at
)
update dismissals d set saved_at = u.created_at from unsaved u
  where d.user_id = u.user_id and d.arxiv_id = u.arxiv_id;
