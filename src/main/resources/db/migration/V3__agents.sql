-- Real agents (issue 4): spending limits a person raised for one project, and the planning cache.

-- Limits in micro-dollars set with /budget; null means the configured budget applies.
ALTER TABLE projects ADD COLUMN budget_project_micros BIGINT;
ALTER TABLE projects ADD COLUMN budget_item_micros BIGINT;

-- Valid planning answers, reusable for the same backend, model, prompt and contract until they
-- expire. Failures are never stored here.
CREATE TABLE agent_cache (
    cache_key   TEXT   PRIMARY KEY,
    backend     TEXT   NOT NULL,
    model       TEXT,
    contract    TEXT   NOT NULL,
    answer      TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX agent_cache_expires ON agent_cache (expires_at);
