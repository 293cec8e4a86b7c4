-- What the durable pipeline needs to resume from any point: each agent call's validated answer,
-- a work item's findings, guidance and commit, and decisions that are about a work item.

ALTER TABLE agent_sessions ADD COLUMN contract TEXT;
ALTER TABLE agent_sessions ADD COLUMN output TEXT CHECK (output IS NULL OR json_valid(output));
-- Review/fix cycle of a work item (0 for the developer's first pass and its review).
ALTER TABLE agent_sessions ADD COLUMN cycle INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_sessions ADD COLUMN last_activity TEXT;
-- Which attempt of its work item the call belonged to (a retry starts the steps afresh).
ALTER TABLE agent_sessions ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
-- A git commit object (on no branch) holding the work tree as the call left it, so that a resumed
-- item restores the finished steps' work instead of redoing them.
ALTER TABLE agent_sessions ADD COLUMN snapshot TEXT;

ALTER TABLE work_items ADD COLUMN depends_on TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(depends_on));
ALTER TABLE work_items ADD COLUMN findings TEXT CHECK (findings IS NULL OR json_valid(findings));
ALTER TABLE work_items ADD COLUMN guidance TEXT;
ALTER TABLE work_items ADD COLUMN commit_sha TEXT;

-- 'phase': approve a phase's output; 'item': decide about a work item that did not converge.
ALTER TABLE approvals ADD COLUMN kind TEXT NOT NULL DEFAULT 'phase';
ALTER TABLE approvals ADD COLUMN work_item_id INTEGER REFERENCES work_items (id) ON DELETE CASCADE;

ALTER TABLE projects ADD COLUMN last_error TEXT;

CREATE INDEX projects_owner ON projects (owner_instance);
CREATE INDEX agent_sessions_project_phase ON agent_sessions (project_id, phase, work_item_id);
