-- The model version behind each of an outcome's candidates, index for index with `candidates`
-- (retrieval's names the reply ranker that scored it: response-bank@…+encoder+reply-ranker@…).
ALTER TABLE {database}.outcomes
    ADD COLUMN IF NOT EXISTS candidate_models Array(LowCardinality(String));
