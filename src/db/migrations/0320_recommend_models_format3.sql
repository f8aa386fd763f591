-- Stored models of an older format (the first byte of the uint32 little-endian header, model.ts's
-- MODEL_FORMAT; 2 learned over 1 + ln tf keyword features before BM25's saturation) are deleted
-- once here, so the recommend-models job retrains them (it picks people without a model). A
-- per-minute check of the format in that job's query read every stored model in full (get_byte
-- on out-of-line values: 240 MB at 5,000 models).
delete from recommend_models where get_byte(model, 0) < 3;
