-- Agents that outlive the orchestrator (issue 11): what another Orchestrator process needs to find
-- a running agent's call again and follow it, or to harvest the answer its output holds.
-- The token marks the agent's process (ORCHESTRATOR_AGENT_CALL in its environment); the pid with
-- the process's identity (the boot's id and the clock tick it started at, which no step of the
-- wall clock moves) finds it, a reused pid having another; its start time is for people and for
-- systems without /proc; the log file is the
-- readable copy of its output, whose raw file (.out) sits beside it; log_offset is how far this
-- call's output had been read and reported.
ALTER TABLE agent_sessions ADD COLUMN agent_token TEXT;
ALTER TABLE agent_sessions ADD COLUMN agent_pid BIGINT;
ALTER TABLE agent_sessions ADD COLUMN agent_started_at BIGINT;
ALTER TABLE agent_sessions ADD COLUMN agent_identity TEXT;
ALTER TABLE agent_sessions ADD COLUMN work_dir TEXT;
ALTER TABLE agent_sessions ADD COLUMN log_file TEXT;
ALTER TABLE agent_sessions ADD COLUMN log_offset BIGINT NOT NULL DEFAULT 0;
-- When a later Orchestrator took the call over: 'followed' (its agent was still running) or
-- 'harvested' (it had ended, and its answer was read from its output).
ALTER TABLE agent_sessions ADD COLUMN adopted_at BIGINT;
ALTER TABLE agent_sessions ADD COLUMN adopted_how TEXT;
CREATE INDEX agent_sessions_running ON agent_sessions (project_id, status);
