-- Stored models are kept uncompressed: a digest run reads every subscriber's (10,000 of 38 kB at
-- the benchmark's scale) and a first view reads the person's, and pglz's decompression was a
-- quarter of reading one (10,000 models read in batches of 100: 2.2 s of CPU compressed, 1.4 to
-- 1.8 s uncompressed). The price is the bytes pglz saved, about a third (25 against 38 kB a
-- model in the benchmark). Models stored before keep their compression until retrained.
alter table recommend_models alter column model set storage external;
