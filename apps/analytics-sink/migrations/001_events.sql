-- Raw events, one row per message / task result / candidate / outcome.
-- ReplacingMergeTree on the event's identity makes a redelivered Kafka record collapse into one row
-- (read with FINAL or argMax); monthly partitions and TTL keep time-range dashboards cheap.

CREATE TABLE IF NOT EXISTS {database}.messages
(
    message_id        String,
    conversation_id   String,
    user_id           String,
    text              String,
    channel           LowCardinality(String),
    client_message_id String,
    trace_id          String,
    accepted_at       DateTime64(3, 'UTC'),
    deadline_at       DateTime64(3, 'UTC'),
    inserted_at       DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_accepted accepted_at TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(accepted_at)
ORDER BY (conversation_id, message_id)
TTL toDateTime(accepted_at) + INTERVAL {ttl_days} DAY;

CREATE TABLE IF NOT EXISTS {database}.nlu_results
(
    message_id      String,
    conversation_id String,
    user_id         String,
    task            LowCardinality(String),
    label           LowCardinality(String),
    score           Float32,
    labels          Array(Tuple(name LowCardinality(String), score Float32)),
    model_name      LowCardinality(String),
    model_version   LowCardinality(String),
    status          LowCardinality(String),
    error           String,
    latency_ms      UInt32,
    accepted_at     DateTime64(3, 'UTC'),
    emitted_at      DateTime64(3, 'UTC'),
    inserted_at     DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_accepted accepted_at TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(accepted_at)
ORDER BY (task, message_id)
TTL toDateTime(accepted_at) + INTERVAL {ttl_days} DAY;

CREATE TABLE IF NOT EXISTS {database}.candidates
(
    message_id      String,
    conversation_id String,
    user_id         String,
    generator       LowCardinality(String),
    text            String,
    score           Float32,
    model_version   LowCardinality(String),
    status          LowCardinality(String),
    error           String,
    latency_ms      UInt32,
    accepted_at     DateTime64(3, 'UTC'),
    emitted_at      DateTime64(3, 'UTC'),
    inserted_at     DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_accepted accepted_at TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(accepted_at)
ORDER BY (generator, message_id)
TTL toDateTime(accepted_at) + INTERVAL {ttl_days} DAY;

CREATE TABLE IF NOT EXISTS {database}.outcomes
(
    message_id       String,
    conversation_id  String,
    user_id          String,
    reply_text       String,
    source           LowCardinality(String),
    fallback         Bool,
    policy_rule      LowCardinality(String),
    expected         Array(LowCardinality(String)),
    arrived          Array(LowCardinality(String)),
    missed           Array(LowCardinality(String)),
    deadline_reached Bool,
    latency_ms       UInt32,
    nlu              Map(LowCardinality(String), String),
    accepted_at      DateTime64(3, 'UTC'),
    emitted_at       DateTime64(3, 'UTC'),
    inserted_at      DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_accepted accepted_at TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(accepted_at)
ORDER BY (conversation_id, message_id)
TTL toDateTime(accepted_at) + INTERVAL {ttl_days} DAY;
