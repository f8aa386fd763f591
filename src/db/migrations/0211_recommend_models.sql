-- Each person's trained "for you" model (recommend/model.ts), stored when their signals change so
-- that a page view, an API call or a digest only applies it. signal_version is the
-- recommend_signal_versions value it was trained at: a model behind the person's version is stale
-- and is retrained (by the recommend-models job, or by whoever needs it first).
create table recommend_models (
  user_id integer primary key references users (id) on delete cascade,
  signal_version bigint not null,
  trained_at timestamptz not null,
  model jsonb not null
);
