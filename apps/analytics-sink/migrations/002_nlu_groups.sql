-- NLU results carry extra label sets (emotion's Ekman roll-up) and entity spans.
ALTER TABLE {database}.nlu_results
    ADD COLUMN IF NOT EXISTS groups Array(Tuple(group_name LowCardinality(String), name LowCardinality(String), score Float32)),
    ADD COLUMN IF NOT EXISTS spans Array(Tuple(name LowCardinality(String), text String));
