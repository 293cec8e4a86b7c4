package dev.orchestrator.project;

import java.time.Instant;

/** A project with the figures a listing shows: work items done of total, and the last activity. */
public record ProjectSummary(Project project, int itemsDone, int itemsTotal, Instant lastActivity) {}
