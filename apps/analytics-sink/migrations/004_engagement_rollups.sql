-- Per-minute engagement rollups, filled by materialized views as rows are inserted. Counts are
-- uniqExact states over message (or user, conversation) ids, so a redelivered batch, which inserts
-- its rows a second time before ReplacingMergeTree collapses them, never counts twice. Latency
-- quantiles are sampled states: a redelivered row adds one more sample of the same value.

CREATE TABLE IF NOT EXISTS {database}.rollup_messages_minute
(
    minute        DateTime('UTC'),
    channel       LowCardinality(String),
    messages      AggregateFunction(uniqExact, String),
    users         AggregateFunction(uniqExact, String),
    conversations AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, channel)
TTL minute + INTERVAL {ttl_days} DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.mv_messages_minute TO {database}.rollup_messages_minute AS
SELECT
    toStartOfMinute(accepted_at) AS minute,
    channel,
    uniqExactState(message_id)      AS messages,
    uniqExactState(user_id)         AS users,
    uniqExactState(conversation_id) AS conversations
FROM {database}.messages
GROUP BY minute, channel;

-- When each user was first seen, for returning users.
CREATE TABLE IF NOT EXISTS {database}.user_first_seen
(
    user_id    String,
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY user_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.mv_user_first_seen TO {database}.user_first_seen AS
SELECT user_id, min(accepted_at) AS first_seen
FROM {database}.messages
GROUP BY user_id;

-- Each NLU task's best label (intent and emotion distributions, love declarations), its status
-- (skipped at the deadline, errors) and its model's latency.
CREATE TABLE IF NOT EXISTS {database}.rollup_nlu_minute
(
    minute     DateTime('UTC'),
    task       LowCardinality(String),
    model_name LowCardinality(String),
    status     LowCardinality(String),
    label      LowCardinality(String),
    messages   AggregateFunction(uniqExact, String),
    latency    AggregateFunction(quantiles(0.5, 0.95), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, task, model_name, status, label)
TTL minute + INTERVAL {ttl_days} DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.mv_nlu_minute TO {database}.rollup_nlu_minute AS
SELECT
    toStartOfMinute(accepted_at)       AS minute,
    task,
    model_name,
    status,
    label,
    uniqExactState(message_id)         AS messages,
    quantilesState(0.5, 0.95)(latency_ms) AS latency
FROM {database}.nlu_results
GROUP BY minute, task, model_name, status, label;

-- Generators: status mix and latency.
CREATE TABLE IF NOT EXISTS {database}.rollup_candidates_minute
(
    minute        DateTime('UTC'),
    generator     LowCardinality(String),
    model_version LowCardinality(String),
    status        LowCardinality(String),
    messages      AggregateFunction(uniqExact, String),
    latency       AggregateFunction(quantiles(0.5, 0.95), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, generator, model_version, status)
TTL minute + INTERVAL {ttl_days} DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.mv_candidates_minute TO {database}.rollup_candidates_minute AS
SELECT
    toStartOfMinute(accepted_at)       AS minute,
    generator,
    model_version,
    status,
    uniqExactState(message_id)         AS messages,
    quantilesState(0.5, 0.95)(latency_ms) AS latency
FROM {database}.candidates
GROUP BY minute, generator, model_version, status;

-- Replies: the source and rule mix, fallbacks, merges closed by the deadline, reply latency.
CREATE TABLE IF NOT EXISTS {database}.rollup_outcomes_minute
(
    minute           DateTime('UTC'),
    source           LowCardinality(String),
    policy_rule      LowCardinality(String),
    fallback         Bool,
    deadline_reached Bool,
    messages         AggregateFunction(uniqExact, String),
    latency          AggregateFunction(quantiles(0.5, 0.95), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, source, policy_rule, fallback, deadline_reached)
TTL minute + INTERVAL {ttl_days} DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.mv_outcomes_minute TO {database}.rollup_outcomes_minute AS
SELECT
    toStartOfMinute(accepted_at)       AS minute,
    source,
    policy_rule,
    fallback,
    deadline_reached,
    uniqExactState(message_id)         AS messages,
    quantilesState(0.5, 0.95)(latency_ms) AS latency
FROM {database}.outcomes
GROUP BY minute, source, policy_rule, fallback, deadline_reached;

-- Deadline misses: each expected contributor that had not answered when a merge closed.
CREATE TABLE IF NOT EXISTS {database}.rollup_misses_minute
(
    minute      DateTime('UTC'),
    contributor LowCardinality(String),
    messages    AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, contributor)
TTL minute + INTERVAL {ttl_days} DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.mv_misses_minute TO {database}.rollup_misses_minute AS
SELECT
    toStartOfMinute(accepted_at) AS minute,
    arrayJoin(missed)            AS contributor,
    uniqExactState(message_id)   AS messages
FROM {database}.outcomes
GROUP BY minute, contributor;
