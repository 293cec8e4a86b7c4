package dev.orchestrator.agent.codex;

import dev.orchestrator.agent.AgentResult.Outcome.Failure;
import dev.orchestrator.agent.ErrorClass;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies the message of a failed Codex turn. Codex reports API failures only as text (e.g.
 * {@code exceeded retry limit, last status: 429 Too Many Requests}), so this matches the phrases
 * Codex 0.169.0 and the OpenAI API use; status numbers are matched only next to "status" or their
 * reason phrase, never alone (a port in a URL must not look like a status).
 */
final class CodexFailures {
    private static final Pattern CONTEXT =
            Pattern.compile("context window|context_length_exceeded|maximum context length|ran out of room");
    private static final Pattern RATE_LIMIT = Pattern.compile(
            "status:? 429|429 too many requests|too many requests|rate limit|rate_limit|usage limit|quota");
    private static final Pattern AUTHENTICATION = Pattern.compile("status:? 40[13]|401 unauthorized|403 forbidden"
            + "|unauthorized|forbidden|incorrect api key|invalid api key|invalid_api_key|missing environment variable"
            + "|not logged in|codex login|authentication");
    private static final Pattern OVERLOADED =
            Pattern.compile("status:? 5(03|29)|503 service unavailable|529 site overloaded|overloaded"
                    + "|high demand|service unavailable|server_is_overloaded|slow_down");
    private static final Pattern RETRY_AFTER = Pattern.compile(
            "(?:try again in|retry after|retry-after:?)\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|milliseconds?|s|secs?|seconds?"
                    + "|m|mins?|minutes?)?\\b");

    private CodexFailures() {}

    /** The failure a turn's error message describes. */
    static Failure classify(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        if (CONTEXT.matcher(lower).find()) {
            return new Failure(
                    ErrorClass.CONTEXT_OVERFLOW,
                    "Codex ran out of room in the model's context window: " + message
                            + " Start a fresh session with a summary of the work so far.");
        }
        if (RATE_LIMIT.matcher(lower).find()) {
            return new Failure(
                    ErrorClass.RATE_LIMIT,
                    "the API's rate limit was reached (Codex does not retry this itself): " + message,
                    retryAfter(lower));
        }
        if (AUTHENTICATION.matcher(lower).find()) {
            return new Failure(
                    ErrorClass.AUTHENTICATION,
                    "Codex could not authenticate: " + message + " Fix: run `codex login`, or set OPENAI_API_KEY "
                            + "(for a custom model_provider in $CODEX_HOME/config.toml: the variable its env_key "
                            + "names) in the environment or in agent.env.");
        }
        if (OVERLOADED.matcher(lower).find()) {
            return new Failure(ErrorClass.OVERLOADED, "the API is overloaded: " + message, retryAfter(lower));
        }
        return new Failure(ErrorClass.API_ERROR, "Codex failed: " + message, retryAfter(lower));
    }

    /** A wait the message asks for ({@code Please try again in 20s}, {@code retry-after: 3}). */
    static Optional<Duration> retryAfter(String message) {
        Matcher m = RETRY_AFTER.matcher(message.toLowerCase(Locale.ROOT));
        if (!m.find()) {
            return Optional.empty();
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        BigDecimal millis = switch (unit.charAt(0)) {
            case 'm' ->
                unit.startsWith("ms") || unit.startsWith("milli")
                        ? amount
                        : amount.multiply(BigDecimal.valueOf(60_000));
            default -> amount.multiply(BigDecimal.valueOf(1_000));
        };
        return Optional.of(Duration.ofMillis(millis.longValue()));
    }
}
