package dev.orchestrator.agent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.AgentResult.Outcome;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.process.AgentExit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OutcomesTest {

    private static Outcome.Failure failure(String transcript) {
        Outcome outcome = Transcripts.outcome(Transcripts.lines(transcript), 1);
        assertThat(outcome).as(transcript).isInstanceOf(Outcome.Failure.class);
        return (Outcome.Failure) outcome;
    }

    @Test
    void retriedThenAnswered_isASuccess() {
        assertThat(Transcripts.outcome(Transcripts.lines("t6_529_then_ok"), 0)).isEqualTo(new Outcome.Success());
        assertThat(Transcripts.outcome(Transcripts.lines("t7_429_retry_after3"), 0))
                .isEqualTo(new Outcome.Success());
    }

    @Test
    void overloaded_withOrWithoutAStatus() {
        assertThat(failure("t8_529_forever_sonnet45_maxretries2").errorClass()).isEqualTo(ErrorClass.OVERLOADED);
        Outcome.Failure opus = failure("t8_529_forever_default_opus");
        assertThat(opus.errorClass()).isEqualTo(ErrorClass.OVERLOADED);
        assertThat(opus.message()).startsWith("API Error: Repeated 529 Overloaded errors.");
    }

    @Test
    void rateLimited_evenWhenTheCliGaveUpAtOnce() {
        assertThat(failure("t16_429_retry_after_120").errorClass()).isEqualTo(ErrorClass.RATE_LIMIT);
    }

    @Test
    void badKeyAndNoKey_areAuthenticationFailuresThatSayHowToLogIn() {
        Outcome.Failure badKey = failure("t9_401_maxretries0");
        Outcome.Failure noKey = failure("t14_empty_api_key");

        assertThat(badKey.errorClass()).isEqualTo(ErrorClass.AUTHENTICATION);
        assertThat(badKey.message()).contains("Invalid API key", "claude login", "ANTHROPIC_API_KEY");
        assertThat(noKey.errorClass()).isEqualTo(ErrorClass.AUTHENTICATION);
        assertThat(noKey.message()).contains("Not logged in", "claude login");
    }

    @Test
    void otherApiErrors_areApiErrors() {
        assertThat(failure("t17_400_invalid_request").errorClass()).isEqualTo(ErrorClass.API_ERROR);
        assertThat(failure("t8_500_forever_maxretries2").errorClass()).isEqualTo(ErrorClass.API_ERROR);
        assertThat(failure("t11_connection_refused_maxretries2").errorClass()).isEqualTo(ErrorClass.API_ERROR);
    }

    @Test
    void promptTooLong_isAContextOverflow() {
        List<String> lines = new ArrayList<>(Transcripts.lines("t17_400_invalid_request"));
        lines.replaceAll(line ->
                line.replace("messages.0.content: bad thing", "prompt is too long: 212000 tokens > 200000 maximum"));

        Outcome outcome = Transcripts.outcome(lines, 1);

        assertThat(((Outcome.Failure) outcome).errorClass()).isEqualTo(ErrorClass.CONTEXT_OVERFLOW);
    }

    @Test
    void maxTurns_saysToRaiseTheLimit() {
        Outcome.Failure failure = failure("t10_max_turns1");

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.MAX_TURNS);
        assertThat(failure.message()).contains("Reached maximum number of turns (1)", "agent.max_turns");
    }

    @Test
    void deniedToolsInAFailedRun_areToolDenied() {
        List<String> lines = new ArrayList<>(Transcripts.lines("t2_write_outside_cwd"));
        lines.replaceAll(line -> line.startsWith("{\"type\":\"result\"")
                ? line.replace("\"is_error\":false", "\"is_error\":true")
                : line);

        Outcome.Failure failure = (Outcome.Failure) Transcripts.outcome(lines, 1);

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.TOOL_DENIED);
        assertThat(failure.message()).contains("refused: Write");
        assertThat(Transcripts.outcome(Transcripts.lines("t2_write_outside_cwd"), 0))
                .isEqualTo(new Outcome.Success());
    }

    @Test
    void resumeOfAnUnknownSession_isACrashWithTheCliMessage() {
        Outcome.Failure failure = failure("t5_resume_wrong_cwd");

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.CRASH);
        assertThat(failure.message()).contains("No conversation found with session ID");
    }

    @Test
    void exitWithoutAResult_isACrashWithTheLastLinesThatAreNotJson() {
        List<String> lines = new ArrayList<>(Transcripts.lines("t1_write_acceptEdits"));
        lines.removeLast();
        lines.add("TypeError: undefined is not an object");
        lines.add("    at main (cli.js:1:1)");

        Outcome.Failure failure = (Outcome.Failure) Transcripts.outcome(lines, 134);

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.CRASH);
        assertThat(failure.message())
                .startsWith("Claude Code exited with code 134 without a result: TypeError")
                .contains("at main (cli.js:1:1)", "raw.jsonl")
                .doesNotContain("\"type\"");
    }

    @Test
    void stalledAndTimedOutCommands_areStallAndTimeoutWhateverWasPrinted() {
        List<String> lines = Transcripts.lines("t6_529_then_ok");
        ClaudeRun run = Transcripts.replay(lines.subList(0, 2), new RecordingListener());
        var stalled =
                new AgentExit(OptionalInt.of(143), false, true, true, Duration.ofSeconds(3), lines, Path.of("raw"));
        var timedOut =
                new AgentExit(OptionalInt.of(143), true, false, true, Duration.ofSeconds(3), lines, Path.of("raw"));

        Outcome.Failure stall =
                (Outcome.Failure) Outcomes.of(run, stalled, Duration.ofSeconds(2), Duration.ofMinutes(5));
        Outcome.Failure timeout =
                (Outcome.Failure) Outcomes.of(run, timedOut, Duration.ofSeconds(2), Duration.ofMinutes(5));

        assertThat(stall.errorClass()).isEqualTo(ErrorClass.STALL);
        assertThat(stall.message())
                .isEqualTo("Claude Code printed nothing for 2 s and was ended (its last retry: API"
                        + " overloaded, retry 1/10 in 0.5 s).");
        assertThat(timeout.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(timeout.message()).contains("300 s");
    }
}
