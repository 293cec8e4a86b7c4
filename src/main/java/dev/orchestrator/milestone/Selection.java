package dev.orchestrator.milestone;

import java.util.List;

/**
 * The issues one {@code run --milestone} works on, in the order they run (dependencies first, ties
 * by path), with notes worth showing: dependencies outside the run, assumed done elsewhere.
 */
public record Selection(String milestone, List<IssueDoc> issues, List<String> notes) {
    public Selection {
        issues = List.copyOf(issues);
        notes = List.copyOf(notes);
        if (issues.isEmpty()) {
            throw new IllegalArgumentException("a selection holds at least one issue");
        }
    }
}
