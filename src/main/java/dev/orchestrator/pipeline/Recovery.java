package dev.orchestrator.pipeline;

import dev.orchestrator.agent.AgentResult.Outcome.Failure;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.config.RecoveryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Decides what happens after one failed agent call of a task: retry (after how long, in the same
 * agent session or a fresh one, with what advice) or give up. One instance per task; used by the
 * pipeline's thread only.
 *
 * <p>Transient failures (rate limit, overloaded, API errors, crash, stall, timeout) wait with
 * exponential backoff and jitter, honouring the API's retry-after. Failures the agent can work
 * around (max turns, a refused tool, a context overflow) retry at once with advice. A task is
 * stuck when the same error comes three times in a row or the agent stalls: its retries carry a
 * hint matched to the pattern. Authentication and a missing binary give up at once, and every
 * task gives up after {@code recovery.max_retries} retries.
 */
final class Recovery {
    private static final int STUCK_AFTER = 3;

    private final RecoveryConfig config;
    private final DoubleSupplier random;
    private final List<Failure> failures = new ArrayList<>();

    /** What to do next. */
    sealed interface Next {
        /**
         * @param delay how long to wait first
         * @param continueSession whether to continue the agent's session rather than start afresh
         * @param hint advice for the agent, when the task is stuck or the failure calls for it
         */
        record Retry(int number, Duration delay, boolean continueSession, Optional<String> hint) implements Next {}

        /** @param hopeless whether no retry could help (the person must fix something first) */
        record GiveUp(boolean hopeless, String diagnosis) implements Next {}
    }

    Recovery(RecoveryConfig config, DoubleSupplier random) {
        this.config = config;
        this.random = random;
    }

    /** The failures so far, oldest first. */
    List<Failure> failures() {
        return List.copyOf(failures);
    }

    /**
     * @param canContinue whether the failed call left an agent session that can be continued
     * @param wasContinuation whether the failed call itself continued a session: if it crashed, the
     *     session may be what is broken (the agent cannot find it), so the retry starts afresh
     */
    Next next(Failure failure, boolean canContinue, boolean wasContinuation) {
        failures.add(failure);
        ErrorClass errorClass = failure.errorClass();
        if (errorClass == ErrorClass.AUTHENTICATION || errorClass == ErrorClass.MISSING_BINARY) {
            return new Next.GiveUp(true, failure.message());
        }
        int retry = failures.size();
        if (retry > config.maxRetries()) {
            return new Next.GiveUp(false, diagnosis());
        }
        boolean stuck = errorClass == ErrorClass.STALL || sameInARow() >= STUCK_AFTER;
        Optional<String> hint = stuck || needsAdvice(errorClass) ? Optional.of(hint(failure)) : Optional.empty();
        // After a context overflow the session is full; a session that failed the same way twice
        // is not worth continuing either.
        boolean continueSession = canContinue
                && errorClass != ErrorClass.CONTEXT_OVERFLOW
                && !(wasContinuation && errorClass == ErrorClass.CRASH)
                && sameInARow() < 2;
        return new Next.Retry(retry, waitBefore(retry, failure), continueSession, hint);
    }

    /** How many of the last failures, counting back from the newest, have the newest's class. */
    private int sameInARow() {
        ErrorClass last = failures.getLast().errorClass();
        int count = 0;
        for (int i = failures.size() - 1; i >= 0 && failures.get(i).errorClass() == last; i--) {
            count++;
        }
        return count;
    }

    private static boolean needsAdvice(ErrorClass errorClass) {
        return switch (errorClass) {
            case CONTEXT_OVERFLOW, MAX_TURNS, TOOL_DENIED -> true;
            default -> false;
        };
    }

    private Duration waitBefore(int retry, Failure failure) {
        boolean backs = switch (failure.errorClass()) {
            case RATE_LIMIT, OVERLOADED, API_ERROR, CRASH, STALL, TIMEOUT -> true;
            default -> false;
        };
        if (!backs) {
            return Duration.ZERO;
        }
        double base = config.backoffSeconds() * Math.pow(2, retry - 1);
        // jitter: between half and all of the exponential step, so that many projects spread out
        double seconds = Math.min(config.backoffMaxSeconds(), base) * (0.5 + 0.5 * random.getAsDouble());
        Duration wait = Duration.ofMillis(Math.round(seconds * 1000));
        Duration asked = failure.retryAfter().orElse(Duration.ZERO);
        return asked.compareTo(wait) > 0 ? asked : wait;
    }

    /** Advice for the agent, matched to the failure and what was already tried. */
    private String hint(Failure failure) {
        String tried = "This task has failed " + failures.size() + (failures.size() == 1 ? " time" : " times")
                + "; the last error was: " + failure.message() + ".";
        String advice = switch (failure.errorClass()) {
            case RATE_LIMIT, OVERLOADED ->
                "The API is busy or a usage limit was reached; Orchestrator waits before each retry. Work in fewer, "
                        + "larger steps and keep tool output short, so the task needs fewer requests.";
            case CONTEXT_OVERFLOW ->
                "The previous session ran out of context, so this is a fresh session. Do not re-read the whole "
                        + "project: look at the files the task names and at `git status` / `git diff` to see what "
                        + "is already done, and keep command output short (pipe long output through tail).";
            case MAX_TURNS ->
                "The previous attempt ran out of turns. Do the essential part of the task first, avoid exploring, "
                        + "and finish with the answer document even if something optional is left.";
            case TOOL_DENIED ->
                "A tool or command was refused. Do not try it again: use an alternative (write files with the "
                        + "edit tools instead of shell redirection, run only the project's own build and test commands).";
            case STALL, TIMEOUT ->
                "The previous attempt stopped producing output and was ended. Never run a command that waits for "
                        + "input or serves forever (dev servers, watch modes, interactive prompts): add flags such as "
                        + "--yes or --ci, run servers in the background with a timeout, and keep each command short.";
            case CRASH ->
                "The agent process exited unexpectedly. Check what is already done in the files, then continue in "
                        + "small steps.";
            default ->
                "Check what is already done in the files before you continue, and try a different approach "
                        + "from the one that failed.";
        };
        return tried + " " + advice;
    }

    /** Why the task was given up, for the person: the failures by class and the last message, and what to do. */
    String diagnosis() {
        java.util.Map<ErrorClass, Integer> counts = new java.util.LinkedHashMap<>();
        failures.forEach(f -> counts.merge(f.errorClass(), 1, Integer::sum));
        StringBuilder text = new StringBuilder("failed ")
                .append(failures.size())
                .append(failures.size() == 1 ? " time (" : " times (");
        counts.forEach((c, n) ->
                text.append(c.wireName()).append(n > 1 ? " x" + n : "").append(", "));
        text.setLength(text.length() - 2);
        Failure last = failures.getLast();
        text.append("); last: ").append(last.message()).append(". ").append(advice(last.errorClass()));
        return text.toString();
    }

    private static String advice(ErrorClass errorClass) {
        return switch (errorClass) {
            case RATE_LIMIT, OVERLOADED ->
                "The API keeps refusing: wait for your usage limit to reset (or raise it), then /resume.";
            case API_ERROR -> "The API keeps failing: check the provider's status page, then /resume.";
            case CONTEXT_OVERFLOW -> "The task is too big for one session: split the work item, then /resume.";
            case MAX_TURNS -> "Raise agent.max_turns or split the work item, then /resume.";
            case TOOL_DENIED -> "The agent needs a tool it is not allowed: see the log, then retry with guidance.";
            case STALL, TIMEOUT ->
                "The agent keeps hanging: look at its last activity in the log (a command waiting for input?), "
                        + "then retry with guidance.";
            case CRASH -> "The agent keeps crashing: run it by hand in the project folder to see why.";
            default -> "See the agent's log, then /resume.";
        };
    }
}
