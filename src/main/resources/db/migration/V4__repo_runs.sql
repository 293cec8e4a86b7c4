-- Runs over an existing repository (orchestrator run --milestone, issue 5): a project whose
-- workspace is the repository and whose work items are the selected issue documents, one per
-- repository, milestone and issue filter, so that running the same command again resumes it.
CREATE TABLE repo_runs (
    project_id  INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    repo_path   TEXT    NOT NULL,
    milestone   TEXT    NOT NULL,
    issue       TEXT    NOT NULL DEFAULT '',
    settings    TEXT    NOT NULL CHECK (json_valid(settings))
);
CREATE UNIQUE INDEX repo_runs_key ON repo_runs (repo_path, milestone, issue);
