-- Models of format 4 may hold an interest named by prose's function words ("Rather Than", from
-- abstracts that each said it) or with an abbreviation glued on ("Reinforcement Learning RL");
-- src/recommend/interest-label.ts no longer makes either. The names are stored with the model,
-- so those are deleted once here and the recommend-models job trains them again.
delete from recommend_models where get_byte(model, 0) < 5;
