package dev.orchestrator.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Renders contract documents as Markdown: the requirements, architecture and work plan committed
 * to a project's {@code docs/}, and any contract shown to a person. Same input, same bytes.
 */
public final class ContractMarkdown {
    private ContractMarkdown() {}

    /** Renders a validated document, with a Decisions section when there are answers. */
    public static String render(Contract contract, JsonNode document, List<Answer> answers) {
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(document, "document");
        List<Answer> decided = List.copyOf(answers);
        MarkdownWriter md = new MarkdownWriter();
        switch (contract) {
            case REQUIREMENTS -> requirements(md, Requirements.from(document), decided);
            case ARCHITECTURE -> architecture(md, Architecture.from(document), decided);
            case WORK_PLAN -> workPlan(md, WorkPlan.from(document));
            case DEV_RESULT -> devResult(md, DevResult.from(document));
            case REVIEW -> review(md, Review.from(document));
            case DEPLOY -> deploy(md, DeployResult.from(document));
        }
        decisions(md, decided);
        return md.build();
    }

    /** Renders a validated document without decisions. */
    public static String render(Contract contract, JsonNode document) {
        return render(contract, document, List.of());
    }

    private static void requirements(MarkdownWriter md, Requirements requirements, List<Answer> answers) {
        md.heading(1, requirements.name().isBlank() ? "Requirements" : requirements.name());
        md.paragraph(requirements.summary());
        md.heading(2, "Features");
        for (Feature.Priority priority : Feature.Priority.values()) {
            List<String> features = requirements.features().stream()
                    .filter(feature -> feature.priority() == priority)
                    .map(ContractMarkdown::feature)
                    .toList();
            if (!features.isEmpty()) {
                md.heading(
                        3,
                        switch (priority) {
                            case MUST -> "Must have";
                            case SHOULD -> "Should have";
                            case COULD -> "Could have";
                        });
                md.bullets(features);
            }
        }
        if (!requirements.constraints().isEmpty()) {
            md.heading(2, "Constraints").bullets(requirements.constraints());
        }
        openQuestions(md, requirements.questions(), answers);
    }

    private static String feature(Feature feature) {
        String title = "**" + MarkdownWriter.oneLine(feature.id()) + "** " + MarkdownWriter.oneLine(feature.title());
        return feature.description().isBlank() ? title : title + ": " + feature.description();
    }

    private static void architecture(MarkdownWriter md, Architecture architecture, List<Answer> answers) {
        md.heading(1, "Architecture").paragraph(architecture.summary());
        Stack stack = architecture.stack();
        md.heading(2, "Stack")
                .bullets(List.of(
                        "**Language:** " + stack.language(),
                        "**Frameworks:** "
                                + (stack.frameworks().isEmpty() ? "none" : String.join(", ", stack.frameworks())),
                        "**Storage:** " + stack.storage()));
        if (!architecture.components().isEmpty()) {
            List<List<String>> rows = architecture.components().stream()
                    .map(c -> List.of(c.name(), c.responsibility(), codes(c.paths())))
                    .toList();
            md.heading(2, "Components").table(List.of("Component", "Responsibility", "Paths"), rows);
        }
        Commands commands = architecture.commands();
        md.heading(2, "Commands")
                .table(
                        List.of("Step", "Command"),
                        List.of(
                                List.of("Setup", command(commands.setup())),
                                List.of("Build", command(commands.build())),
                                List.of("Test", command(commands.test())),
                                List.of("Run", command(commands.run()))));
        openQuestions(md, architecture.questions(), answers);
    }

    private static String codes(List<String> values) {
        return values.stream().map(MarkdownWriter::code).collect(Collectors.joining(", "));
    }

    private static String command(String command) {
        return command.isBlank() ? "(none)" : MarkdownWriter.code(command);
    }

    private static void workPlan(MarkdownWriter md, WorkPlan plan) {
        int count = plan.items().size();
        md.heading(1, "Work plan")
                .paragraph((count == 1 ? "1 item" : count + " items")
                        + ", in build order: each comes after the items it depends on.");
        for (PlanItem item : plan.inOrder()) {
            md.heading(2, item.key() + ": " + item.title());
            md.bullets(List.of(
                    "**Priority:** " + item.priority(),
                    "**Depends on:** " + (item.dependsOn().isEmpty() ? "none" : String.join(", ", item.dependsOn()))));
            md.paragraph(item.description());
            if (!item.acceptance().isEmpty()) {
                md.paragraph("**Acceptance**").checklist(item.acceptance());
            }
        }
    }

    private static void devResult(MarkdownWriter md, DevResult result) {
        md.heading(1, "Development result: " + result.status()).paragraph(result.summary());
        if (!result.files().isEmpty()) {
            md.heading(2, "Files")
                    .bullets(result.files().stream().map(MarkdownWriter::code).toList());
        }
        result.blocker()
                .filter(blocker -> !blocker.isBlank())
                .ifPresent(blocker -> md.heading(2, "Blocker").paragraph(blocker));
    }

    private static void review(MarkdownWriter md, Review review) {
        md.heading(1, "Review: " + review.status()).paragraph(review.summary());
        md.heading(2, "Findings");
        if (review.findings().isEmpty()) {
            md.paragraph("No findings.");
            return;
        }
        md.bullets(review.findings().stream().map(ContractMarkdown::finding).toList());
    }

    private static String finding(Finding finding) {
        String where = finding.line().isPresent()
                ? finding.path() + ":" + finding.line().getAsInt()
                : finding.path();
        return "**" + finding.severity() + "** " + MarkdownWriter.code(where) + ": " + finding.message();
    }

    private static void deploy(MarkdownWriter md, DeployResult result) {
        md.heading(1, "Deployment: " + result.status());
        result.url().filter(url -> !url.isBlank()).ifPresent(url -> md.paragraph("**URL:** " + url));
        md.paragraph(result.notes());
    }

    /** The document's questions nobody has answered yet. */
    private static void openQuestions(MarkdownWriter md, List<Question> questions, List<Answer> answers) {
        Set<String> answered = answers.stream().map(Answer::questionId).collect(Collectors.toSet());
        List<String> open = new ArrayList<>();
        for (Question question : questions) {
            if (!answered.contains(question.id())) {
                String options = question.options().isEmpty()
                        ? "Free-text answer."
                        : "Options: " + String.join("; ", question.options());
                open.add("**" + MarkdownWriter.oneLine(question.id()) + "** " + question.question() + "\n" + options);
            }
        }
        if (!open.isEmpty()) {
            md.heading(2, "Open questions").bullets(open);
        }
    }

    private static void decisions(MarkdownWriter md, List<Answer> answers) {
        if (answers.isEmpty()) {
            return;
        }
        List<String> entries = answers.stream()
                .map(answer -> "**" + MarkdownWriter.oneLine(answer.questionId()) + "** " + answer.question()
                        + "\n**Answer:** " + answer.answer() + (answer.assumed() ? " (assumed)" : ""))
                .toList();
        md.heading(2, "Decisions").bullets(entries);
    }
}
