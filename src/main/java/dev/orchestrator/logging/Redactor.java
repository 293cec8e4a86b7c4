package dev.orchestrator.logging;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets (API keys, tokens, passwords) in text before it is logged or recorded as an event.
 * It errs on the side of hiding: a false positive costs a few characters, a miss leaks a key.
 */
public final class Redactor {
    static final String MASK = "[REDACTED]";

    /** Whole tokens that are secrets by their shape. */
    private static final List<Pattern> TOKENS = List.of(
            Pattern.compile("sk-ant-[A-Za-z0-9_\\-]{8,}"), // Anthropic
            Pattern.compile("sk-(?:proj-|svcacct-)?[A-Za-z0-9_\\-]{16,}"), // OpenAI
            Pattern.compile("gh[pousr]_[A-Za-z0-9]{20,}"), // GitHub
            Pattern.compile("github_pat_[A-Za-z0-9_]{20,}"),
            Pattern.compile("xox[abposr]-[A-Za-z0-9-]{10,}"), // Slack
            Pattern.compile("AKIA[0-9A-Z]{16}"), // AWS access key id
            Pattern.compile("AIza[0-9A-Za-z_\\-]{35}"), // Google
            Pattern.compile("lin_api_[A-Za-z0-9]{20,}"), // Linear
            Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}")); // JWT

    /** {@code NAME=value}, {@code "name": "value"}, {@code Authorization: Bearer x} where the name says secret. */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?i)((?:[A-Z0-9_]*(?:api[_-]?key|secret|token|password|passwd|credential)[A-Z0-9_]*|authorization)"
                    + "\"?\\s*[:=]\\s*\"?(?:bearer\\s+|basic\\s+)?)([^\\s\"',;}]{4,})");

    /** A plain number, which as the value of a {@link #COUNT_NAME} is a count, not a secret. */
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");

    /** A name that counts tokens ({@code input_tokens}, {@code cache_read_input_tokens}). */
    private static final Pattern COUNT_NAME = Pattern.compile("(?i)tokens\"?\\s*[:=]");

    /** One of these is in every name {@link #ASSIGNMENT} matches ("passw" covers password and passwd). */
    private static final List<String> SECRET_NAME_WORDS =
            List.of("key", "secret", "token", "passw", "credential", "authorization");

    private Redactor() {}

    /** The text with every secret replaced by {@value #MASK}. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (Pattern token : TOKENS) {
            result = token.matcher(result).replaceAll(MASK);
        }
        if (!mentionsSecretName(result)) {
            return result;
        }
        Matcher assignment = ASSIGNMENT.matcher(result);
        StringBuilder out = new StringBuilder(result.length());
        while (assignment.find()) {
            String value = assignment.group(2);
            // a count of tokens is no secret: "input_tokens":1234 stays readable in an agent's log
            boolean count = COUNT_NAME.matcher(assignment.group(1)).find()
                    && NUMBER.matcher(value).matches();
            boolean secret = !value.equals(MASK) && !count;
            assignment.appendReplacement(out, Matcher.quoteReplacement(assignment.group(1) + (secret ? MASK : value)));
        }
        assignment.appendTail(out);
        return out.toString();
    }

    /**
     * Whether the text contains a word {@link #ASSIGNMENT} needs in a name, which it must before that
     * pattern can match. A cheap test first: the pattern backtracks over every run of name
     * characters (a commit sha costs it thousands of steps), and most text names no secret.
     */
    private static boolean mentionsSecretName(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (String word : SECRET_NAME_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an environment variable's name says its value is a secret. */
    public static boolean isSecretName(String name) {
        return name.matches("(?i).*(api[_-]?key|secret|token|password|passwd|credential|auth).*");
    }
}
