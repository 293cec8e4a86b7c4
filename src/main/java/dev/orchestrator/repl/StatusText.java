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

    /** What the person can do next about a project in this status. */
    static String nextStep(ProjectStatus status) {
        return switch (status) {
            case NOT_STARTED ->
                "Saved, not running: this version of Orchestrator records projects but does not run "
                        + "their pipeline yet. Nothing is running for this project.";
            case RUNNING -> "Running.";
            case WAITING_APPROVAL -> "Waiting for your approval.";
            case CLARIFYING -> "Waiting for your answers.";
            case PAUSED -> "Paused; it needs your attention.";
            case STOPPED -> "Stopped; nothing is running for it.";
            case COMPLETED -> "Completed.";
            case FAILED -> "Failed.";
        };
    }
}
