package dev.orchestrator.project;

import java.time.Instant;

/** One entry of a project's append-only history; {@code payload} is a JSON object. */
public record ProjectEvent(long id, ProjectId project, Instant at, String type, String payload) {}
