-- The first schema models the whole domain, so later releases extend it rather than reshape it.
--
-- Conventions:
--   * times are BIGINT milliseconds since the epoch (UTC), in columns named *_at;
--   * JSON documents are TEXT checked with json_valid();
--   * status columns are TEXT without CHECK lists: SQLite cannot alter a CHECK in place, and the
--     application maps each value to a Java enum, refusing unknown ones with a clear message.

CREATE TABLE projects (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT    NOT NULL,
    slug             TEXT    NOT NULL,
    idea             TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'not_started',
    current_phase    TEXT,
    workspace_path   TEXT    NOT NULL,
    config_snapshot  TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(config_snapshot)),
    owner_instance   TEXT,
    heartbeat_at     BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX projects_slug ON projects (slug);
CREATE UNIQUE INDEX projects_name ON projects (name COLLATE NOCASE);
CREATE INDEX projects_status ON projects (status);

CREATE TABLE phases (
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    ordinal      INTEGER NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    started_at   BIGINT,
    ended_at     BIGINT,
    start_commit TEXT,
    output       TEXT,
    error        TEXT,
    PRIMARY KEY (project_id, name)
);

CREATE TABLE work_items (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id    INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    item_key      TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    acceptance    TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(acceptance)),
    status        TEXT    NOT NULL DEFAULT 'todo',
    priority      INTEGER NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 4),
    attempts      INTEGER NOT NULL DEFAULT 0,
    review_cycles INTEGER NOT NULL DEFAULT 0,
    start_commit  TEXT,
    branch        TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    completed_at  BIGINT,
    UNIQUE (project_id, item_key)
);
CREATE INDEX work_items_project_status ON work_items (project_id, status);

CREATE TABLE work_item_dependencies (
    item_id       INTEGER NOT NULL REFERENCES work_items (id) ON DELETE CASCADE,
    depends_on_id INTEGER NOT NULL REFERENCES work_items (id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, depends_on_id),
    CHECK (item_id <> depends_on_id)
);
CREATE INDEX work_item_dependencies_reverse ON work_item_dependencies (depends_on_id);

CREATE TABLE work_item_comments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    work_item_id INTEGER NOT NULL REFERENCES work_items (id) ON DELETE CASCADE,
    author       TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX work_item_comments_item ON work_item_comments (work_item_id);

CREATE TABLE phase_outputs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    phase       TEXT    NOT NULL,
    contract    TEXT    NOT NULL,
    source      TEXT    NOT NULL DEFAULT 'agent',
    document    TEXT    NOT NULL CHECK (json_valid(document)),
    created_at  BIGINT NOT NULL
);
CREATE INDEX phase_outputs_project_phase ON phase_outputs (project_id, phase);

CREATE TABLE agent_sessions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id          INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    phase               TEXT    NOT NULL,
    work_item_id        INTEGER REFERENCES work_items (id) ON DELETE SET NULL,
    role                TEXT    NOT NULL,
    runner              TEXT    NOT NULL,
    model               TEXT,
    external_session_id TEXT,
    status              TEXT    NOT NULL DEFAULT 'running',
    input_tokens        BIGINT NOT NULL DEFAULT 0,
    output_tokens       BIGINT NOT NULL DEFAULT 0,
    cache_read_tokens   BIGINT NOT NULL DEFAULT 0,
    cache_write_tokens  BIGINT NOT NULL DEFAULT 0,
    -- money in micro-dollars, so that sums are exact
    cost_micros         BIGINT NOT NULL DEFAULT 0,
    started_at          BIGINT NOT NULL,
    last_activity_at    BIGINT,
    ended_at            BIGINT,
    error_class         TEXT,
    error_summary       TEXT
);
CREATE INDEX agent_sessions_project ON agent_sessions (project_id);
CREATE INDEX agent_sessions_item ON agent_sessions (work_item_id);

CREATE TABLE approvals (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id    INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    phase         TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'pending',
    summary       TEXT    NOT NULL DEFAULT '',
    feedback      TEXT,
    requested_at  BIGINT NOT NULL,
    decided_at    BIGINT
);
CREATE INDEX approvals_project_status ON approvals (project_id, status);

CREATE TABLE clarifications (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    phase        TEXT    NOT NULL,
    question_key TEXT    NOT NULL,
    question     TEXT    NOT NULL,
    options      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(options)),
    answer       TEXT,
    assumed      INTEGER NOT NULL DEFAULT 0 CHECK (assumed IN (0, 1)),
    asked_at     BIGINT NOT NULL,
    answered_at  BIGINT
);
CREATE INDEX clarifications_project ON clarifications (project_id, answered_at);

-- Append-only: rows are inserted, never updated. Old rows may be compacted by a later release.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    occurred_at BIGINT NOT NULL,
    type        TEXT    NOT NULL,
    payload     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload))
);
CREATE INDEX events_project ON events (project_id, id);

CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
