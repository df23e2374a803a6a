import GRDB

/// The catalog's versioned schema. Each migration is applied once, in order, inside a
/// transaction; a newer workspace opened by an older `pref` fails with a clear error.
enum Schema {
    static func migrator() -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-catalog") { db in
            // One row per ingested file; sha256 makes re-ingesting the same bytes a no-op.
            try db.execute(sql: """
                CREATE TABLE sources (
                    id INTEGER PRIMARY KEY,
                    path TEXT NOT NULL,
                    sha256 TEXT NOT NULL UNIQUE,
                    format TEXT NOT NULL,
                    size_bytes INTEGER NOT NULL,
                    source_split TEXT,
                    records_read INTEGER NOT NULL,
                    records_kept INTEGER NOT NULL,
                    duplicates INTEGER NOT NULL,
                    quarantined INTEGER NOT NULL,
                    ingested_at TEXT NOT NULL
                );
                -- A record: one prompt (messages up to the answer) and its completions.
                -- kind = 'preference' (scored or labelled alternatives) or 'conversation' (SFT).
                CREATE TABLE records (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES sources(id),
                    position INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('preference', 'conversation')),
                    prompt_json TEXT NOT NULL,
                    prompt_hash TEXT NOT NULL,
                    prompt_id TEXT,
                    source_split TEXT,
                    origin TEXT,
                    content_hash TEXT NOT NULL UNIQUE
                );
                CREATE INDEX records_by_source ON records(source_id);
                CREATE INDEX records_by_prompt ON records(prompt_hash);
                CREATE TABLE completions (
                    id INTEGER PRIMARY KEY,
                    record_id INTEGER NOT NULL REFERENCES records(id),
                    idx INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    model TEXT,
                    score REAL,
                    ratings_json TEXT,
                    label TEXT CHECK (label IN ('chosen', 'rejected')),
                    UNIQUE (record_id, idx)
                );
                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES sources(id),
                    position INTEGER,
                    byte_offset INTEGER,
                    field TEXT,
                    reason TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    excerpt TEXT
                );
                CREATE INDEX quarantine_by_source ON quarantine(source_id);
                -- The train/test assignment of every record (pref split).
                CREATE TABLE splits (
                    record_id INTEGER PRIMARY KEY REFERENCES records(id),
                    split TEXT NOT NULL CHECK (split IN ('train', 'test'))
                );
                -- Settings of the current split and pair set, one row each (key = 'split' / 'pairs').
                CREATE TABLE settings (
                    key TEXT PRIMARY KEY,
                    value_json TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                -- Preference pairs (pref pairs); a pair never mixes splits.
                CREATE TABLE pairs (
                    id INTEGER PRIMARY KEY,
                    record_id INTEGER NOT NULL REFERENCES records(id),
                    chosen_id INTEGER NOT NULL REFERENCES completions(id),
                    rejected_id INTEGER NOT NULL REFERENCES completions(id),
                    strategy TEXT NOT NULL,
                    score_gap REAL,
                    stage INTEGER NOT NULL DEFAULT 0,
                    curriculum_rank INTEGER NOT NULL,
                    split TEXT NOT NULL CHECK (split IN ('train', 'test'))
                );
                CREATE INDEX pairs_by_split_rank ON pairs(split, curriculum_rank);
                """)
        }
        m.registerMigration("v2-shards") { db in
            // Token shards (pref tokenize). A shard row exists only once its file is complete
            // on disk; its examples are committed in the same transaction.
            try db.execute(sql: """
                CREATE TABLE shards (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('sft', 'preference')),
                    split TEXT NOT NULL CHECK (split IN ('train', 'test')),
                    bytes INTEGER NOT NULL,
                    frames INTEGER NOT NULL,
                    examples INTEGER NOT NULL,
                    tokens INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                -- One training example: an SFT sequence (tokens with loss mask, document lengths)
                -- or a preference pair (prompt, chosen, rejected ids). Its values are the UInt32s
                -- at value_offset in the decompressed frame at frame_offset of the shard file.
                CREATE TABLE examples (
                    id INTEGER PRIMARY KEY,
                    shard_id INTEGER NOT NULL REFERENCES shards(id),
                    kind TEXT NOT NULL CHECK (kind IN ('sft', 'preference')),
                    split TEXT NOT NULL CHECK (split IN ('train', 'test')),
                    frame_offset INTEGER NOT NULL,
                    frame_length INTEGER NOT NULL,
                    frame_values INTEGER NOT NULL,
                    value_offset INTEGER NOT NULL,
                    len_a INTEGER NOT NULL,
                    len_b INTEGER NOT NULL,
                    len_c INTEGER NOT NULL,
                    record_id INTEGER,
                    pair_id INTEGER,
                    source_id INTEGER,
                    stage INTEGER NOT NULL DEFAULT 0,
                    curriculum_rank INTEGER NOT NULL DEFAULT 0,
                    truncated INTEGER NOT NULL DEFAULT 0,
                    ref_chosen_logp REAL,
                    ref_rejected_logp REAL
                );
                CREATE INDEX examples_by_order ON examples(kind, split, stage, curriculum_rank);
                CREATE INDEX examples_by_shard ON examples(shard_id);
                """)
        }
        return m
    }
}
