-- What a digest showed a person becomes one row per digest, its papers in an array, instead of
-- a row per paper: a digest shows some forty papers, so 10,000 subscribers' digests wrote
-- 420,000 rows a day, each with two foreign-key checks, about a fifth of the time the "for you"
-- sections added to a digest run (bench/results/digest-foryou.md). The rows only keep papers
-- from being recommended again: a paper deleted later leaves its id behind, which excludes
-- nothing that exists (and a paper imported again under that id was still shown). The account's
-- key stays, so deleting an account still takes its history with it.
create table digest_shown_sets (
  id bigint generated always as identity primary key,
  user_id integer not null references users (id) on delete cascade,
  shown_at timestamptz not null,
  arxiv_ids text[] not null
);
create index digest_shown_sets_user on digest_shown_sets (user_id);

insert into digest_shown_sets (user_id, shown_at, arxiv_ids)
  select user_id, shown_at, array_agg(arxiv_id order by arxiv_id) from digest_shown
  group by user_id, shown_at order by min(shown_at), user_id;
drop table digest_shown;
