package dev.orchestrator.repl;

import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.ProjectStatus;

/** How statuses read and look on screen. */
final class StatusText {
    private StatusText() {}

    static String label(ProjectStatus status) {
        return switch (status) {
            case NOT_STARTED -> "not started";
            case RUNNING -> "running";
            case WAITING_APPROVAL -> "waiting for approval";
            case CLARIFYING -> "waiting for answers";
            case PAUSED -> "paused";
            case STOPPED -> "stopped";
            case COMPLETED -> "completed";
            case FAILED -> "failed";
        };
    }

    static String paint(ProjectStatus status, String text, Style style) {
        return switch (status) {
            case RUNNING -> style.green(text);
            case WAITING_APPROVAL, CLARIFYING, PAUSED -> style.yellow(text);
            case FAILED -> style.red(text);
            case COMPLETED -> style.cyan(text);
            case NOT_STARTED, STOPPED -> style.dim(text);
        };
    }

    static String paint(PhaseStatus status, String text, Style style) {
        return switch (status) {
            case RUNNING -> style.green(text);
            case WAITING -> style.yellow(text);
            case FAILED -> style.red(text);
            case COMPLETED -> style.cyan(text);
            case PENDING, SKIPPED -> style.dim(text);
        };
    }

    /** What the person can do next about a project, given whether its pipeline runs in this session. */
    static String nextStep(dev.orchestrator.project.Project project, boolean runningHere) {
        String id = project.id().toString();
        return switch (project.status()) {
            case NOT_STARTED -> "Not started yet: /resume " + id + " starts its pipeline.";
            case RUNNING ->
                runningHere
                        ? "Running here: /stop " + id + " stops it gracefully."
                        : "Marked running, but not by this session: if no other Orchestrator runs it, it was "
                                + "interrupted; /resume " + id + " carries on where it stopped.";
            case WAITING_APPROVAL ->
                "Waiting for your approval: /approve " + id + ", /reject " + id + " <feedback>, or /view " + id
                        + " first.";
            case CLARIFYING -> "Waiting for your answers: /answer " + id + ".";
            case PAUSED -> "Paused; it needs your attention (see the reason above), then /resume " + id + ".";
            case STOPPED -> "Stopped; /resume " + id + " carries on where it stopped.";
            case COMPLETED -> "Completed: the result is in its folder; /view " + id + " implement lists the items.";
            case FAILED -> "Failed (see the reason above); /resume " + id + " tries the failed phase again.";
        };
    }
}
