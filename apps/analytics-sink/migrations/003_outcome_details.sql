-- Outcomes carry every candidate with what became of it, the coreference result, and the
-- contributors the merge did not wait for (open circuit breakers).
ALTER TABLE {database}.outcomes
    ADD COLUMN IF NOT EXISTS candidates Array(Tuple(generator LowCardinality(String), text String, score Float32, latency_ms UInt32, status LowCardinality(String), chosen Bool, rejected LowCardinality(String))),
    ADD COLUMN IF NOT EXISTS resolved_text String,
    ADD COLUMN IF NOT EXISTS resolved_entities Array(Tuple(pronoun String, entity String)),
    ADD COLUMN IF NOT EXISTS skipped Array(LowCardinality(String));
