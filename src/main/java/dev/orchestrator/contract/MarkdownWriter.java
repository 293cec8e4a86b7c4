package dev.orchestrator.contract;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a Markdown document block by block, one blank line between blocks, {@code \n} line
 * endings and one final newline, so the same content always gives the same bytes.
 */
final class MarkdownWriter {
    private static final Pattern BACKTICK_RUN = Pattern.compile("`+");

    private final StringBuilder out = new StringBuilder();

    MarkdownWriter heading(int level, String text) {
        return block("#".repeat(level) + " " + oneLine(text));
    }

    /** A paragraph of agent-written text; nothing when it is blank. */
    MarkdownWriter paragraph(String text) {
        String normalized = normalize(text);
        return normalized.isEmpty() ? this : block(normalized);
    }

    /** A bullet list; an entry's further lines are indented to stay in it. */
    MarkdownWriter bullets(List<String> entries) {
        return list("- ", entries);
    }

    /** A task list of unchecked boxes. */
    MarkdownWriter checklist(List<String> entries) {
        return list("- [ ] ", entries);
    }

    /** A table; cells are escaped and kept on one line. */
    MarkdownWriter table(List<String> header, List<List<String>> rows) {
        StringBuilder table = new StringBuilder(row(header));
        table.append("\n").append(row(header.stream().map(h -> "---").toList()));
        for (List<String> row : rows) {
            table.append("\n").append(row(row.stream().map(MarkdownWriter::cell).toList()));
        }
        return block(table.toString());
    }

    String build() {
        return out.toString();
    }

    /** Text for a table cell: {@code |} escaped, line breaks as {@code <br>}. */
    static String cell(String text) {
        return normalize(text).replace("|", "\\|").replace("\n", "<br>");
    }

    /** A code span that survives backticks inside the text. */
    static String code(String text) {
        String flat = oneLine(text);
        int longest = 0;
        Matcher runs = BACKTICK_RUN.matcher(flat);
        while (runs.find()) {
            longest = Math.max(longest, runs.group().length());
        }
        String fence = "`".repeat(longest + 1);
        String pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
        return fence + pad + flat + pad + fence;
    }

    /** Text on one line: line breaks become spaces. */
    static String oneLine(String text) {
        return normalize(text).replaceAll("\\s*\\n\\s*", " ");
    }

    private MarkdownWriter list(String marker, List<String> entries) {
        if (entries.isEmpty()) {
            return this;
        }
        StringBuilder list = new StringBuilder();
        String indent = " ".repeat(marker.length());
        for (String entry : entries) {
            if (!list.isEmpty()) {
                list.append("\n");
            }
            list.append(marker).append(normalize(entry).replace("\n", "\n" + indent));
        }
        return block(list.toString().replaceAll("(?m)^ +$", ""));
    }

    private MarkdownWriter block(String text) {
        if (!out.isEmpty()) {
            out.append("\n");
        }
        out.append(text).append("\n");
        return this;
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |";
    }

    /** Unix line endings, no trailing spaces on lines, no blank lines at either end. */
    private static String normalize(String text) {
        return text.replace("\r\n", "\n")
                .replace('\r', '\n')
                .replaceAll("(?m)[ \\t]+$", "")
                .strip();
    }
}
