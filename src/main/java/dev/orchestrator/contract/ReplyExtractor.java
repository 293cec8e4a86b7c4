package dev.orchestrator.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;

/**
 * Finds the JSON document in an agent's answer. Agents explain before they answer, so the last
 * fenced {@code json} block wins; failing that, the last fenced block of any language holding a
 * JSON object; failing that, the whole answer when it is itself a JSON object.
 */
public final class ReplyExtractor {
    /** An opening fence: three or more backticks or tildes, then an info string. */
    private static final Pattern OPENING = Pattern.compile("^[ \\t]*(`{3,}|~{3,})[ \\t]*([^ \\t]*).*$");

    private ReplyExtractor() {}

    /** Where the JSON text came from. */
    public enum Source {
        /** A fenced block whose info string is {@code json}. */
        JSON_BLOCK,
        /** A fenced block of another or no language whose content is a JSON object. */
        FENCED_BLOCK,
        /** The whole answer, which is a JSON object. */
        WHOLE_REPLY
    }

    /** What {@link #extract} found: the JSON text, or why there is none. */
    public sealed interface Extraction {
        /** The JSON text, not yet known to parse when it comes from a json block or the whole reply. */
        record Found(String json, Source source) implements Extraction {
            public Found {
                Objects.requireNonNull(json, "json");
                Objects.requireNonNull(source, "source");
            }
        }

        /** No JSON: the reason, e.g. {@code the answer has no fenced json block}. */
        record Missing(String reason) implements Extraction {
            public Missing {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    private record Block(String info, String content) {
        boolean isJson() {
            return info.toLowerCase(Locale.ROOT).equals("json");
        }
    }

    /** The JSON text of an agent's answer, or why none was found. */
    public static Extraction extract(String reply) {
        Objects.requireNonNull(reply, "reply");
        if (reply.isBlank()) {
            return new Extraction.Missing("the answer is empty");
        }
        List<Block> blocks = fencedBlocks(reply);
        for (Block block : blocks.reversed()) {
            if (block.isJson()) {
                return new Extraction.Found(block.content(), Source.JSON_BLOCK);
            }
        }
        for (Block block : blocks.reversed()) {
            if (isJsonObject(block.content())) {
                return new Extraction.Found(block.content(), Source.FENCED_BLOCK);
            }
        }
        String whole = reply.strip();
        if (whole.startsWith("{") && whole.endsWith("}")) {
            return new Extraction.Found(whole, Source.WHOLE_REPLY);
        }
        return new Extraction.Missing("the answer has no fenced json block");
    }

    /** Every fenced block, in order; an unclosed block runs to the end of the answer. */
    private static List<Block> fencedBlocks(String reply) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = reply.split("\\R", -1);
        int i = 0;
        while (i < lines.length) {
            Matcher opening = OPENING.matcher(lines[i]);
            if (!opening.matches() || isInlineCode(opening)) {
                i++;
                continue;
            }
            String fence = opening.group(1);
            List<String> content = new ArrayList<>();
            i++;
            while (i < lines.length && !closes(lines[i], fence)) {
                content.add(lines[i]);
                i++;
            }
            blocks.add(new Block(opening.group(2), String.join("\n", content)));
            i++;
        }
        return blocks;
    }

    /** A backtick fence's info string may not contain backticks: {@code ```x```} is inline code. */
    private static boolean isInlineCode(Matcher opening) {
        return opening.group(1).charAt(0) == '`' && opening.group(0).indexOf('`', opening.end(1)) >= 0;
    }

    private static boolean closes(String line, String fence) {
        String stripped = line.strip();
        return stripped.length() >= fence.length() && stripped.chars().allMatch(c -> c == fence.charAt(0));
    }

    private static boolean isJsonObject(String text) {
        if (!text.strip().startsWith("{")) {
            return false;
        }
        try {
            return ContractJson.MAPPER.readTree(text).isObject();
        } catch (JacksonException e) {
            return false;
        }
    }
}
