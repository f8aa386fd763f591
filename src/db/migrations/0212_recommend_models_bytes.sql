-- A stored model becomes bytes (recommend/model.ts: a small JSON header, then its typed arrays)
-- instead of jsonb with base64 inside: applying a model on a first view or in a digest read
-- and parsed 60 kB of JSON per person. The models stored so far are dropped; the
-- recommend-models job retrains them (a missing model is a stale one), and a request that finds
-- none trains it inline.
delete from recommend_models;
alter table recommend_models drop column model;
alter table recommend_models add column model bytea not null;
