-- Models of format 3 were trained before each interest's centroid joined the weights
-- (src/recommend/rank.ts's interestPull): deleted once here, as 0320 did for format 2, so the
-- recommend-models job retrains them with the new options.
delete from recommend_models where get_byte(model, 0) < 4;
