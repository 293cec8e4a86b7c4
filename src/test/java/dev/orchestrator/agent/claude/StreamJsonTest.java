package dev.orchestrator.agent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamJsonTest {

    @Test
    void writeRun_reportsSessionActivityUsageAndTheFinalText() {
        RecordingListener listener = new RecordingListener();

        ClaudeRun run = Transcripts.replay(Transcripts.lines("t1_write_acceptEdits"), listener);

        assertThat(run.sessionId()).contains("bc003bae-4300-42fd-82e7-b56ec971e57c");
        assertThat(listener.sessions).containsExactly("bc003bae-4300-42fd-82e7-b56ec971e57c");
        assertThat(listener.activities)
                .contains("I'll create the file.", "Write out/hello.txt", "Done. Summary: …")
                .anyMatch(line -> line.startsWith("Claude Code 2.1.197 started session bc003bae"))
                .last()
                .isEqualTo("finished after 2 turns, $0.0106");
        assertThat(run.text())
                .isEqualTo("Done. Summary:\n```json\n{\"status\":\"ok\",\"files\":[\"out/hello.txt\"]}\n```");
        assertThat(run.usage()).isEqualTo(new Usage(2500, 130, 200, 300, 10_635));
    }

    @Test
    void usage_isReportedOncePerMessageAsItArrives_thenTheResultsTotals() {
        RecordingListener listener = new RecordingListener();

        Transcripts.replay(Transcripts.lines("t1_write_acceptEdits"), listener);

        assertThat(listener.usages)
                .containsExactly(
                        new Usage(1000, 1, 200, 300, 0),
                        new Usage(2500, 2, 200, 300, 0),
                        new Usage(2500, 130, 200, 300, 10_635));
    }

    @Test
    void bashAndRead_showTheCommandAndThePathInsideTheFolder() {
        RecordingListener listener = new RecordingListener();

        Transcripts.replay(Transcripts.lines("t3_bash_allowed"), listener);

        assertThat(listener.activities).contains("Bash: echo hi from bash && pwd");
    }

    @Test
    void writeOfAnUnreadFile_isAnActivityNotAFailure() {
        RecordingListener listener = new RecordingListener();
        List<String> lines = Transcripts.lines("t12_overwrite_read_first");

        ClaudeRun run = Transcripts.replay(lines, listener);

        assertThat(listener.activities)
                .contains("Write refused: File has not been read yet. Read it first before writing to it.");
        assertThat(Transcripts.outcome(lines, 0)).isEqualTo(new dev.orchestrator.agent.AgentResult.Outcome.Success());
        assertThat(run.text()).isEqualTo("done");
    }

    @Test
    void apiRetries_showWhatFailedAndWhenTheNextTryIs() {
        RecordingListener overloaded = new RecordingListener();
        RecordingListener limited = new RecordingListener();
        RecordingListener refused = new RecordingListener();

        Transcripts.replay(Transcripts.lines("t6_529_then_ok"), overloaded);
        Transcripts.replay(Transcripts.lines("t7_429_retry_after3"), limited);
        Transcripts.replay(Transcripts.lines("t11_connection_refused_maxretries2"), refused);

        assertThat(overloaded.activities).contains("API overloaded, retry 1/10 in 0.5 s");
        assertThat(limited.activities).contains("rate limited, retry 1/10 in 3.0 s");
        assertThat(refused.activities).anyMatch(line -> line.startsWith("API unreachable (unknown), retry 1/2 in 0."));
    }

    @Test
    void truncatedGarbledAndUnknownLines_areIgnored() {
        List<String> lines = Transcripts.lines("t1_write_acceptEdits");
        List<String> noisy = new ArrayList<>();
        noisy.add("Warning: no stdin data received in 3s, proceeding without it.");
        noisy.add("{\"type\":\"stream_event\",\"event\":{\"type\":\"content_block_delta\"}}");
        noisy.add("{\"type\":\"system\",\"subtype\":\"compact_boundary\",\"session_id\":\"x\"}");
        noisy.add("{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"thinking\",\"thinking\":\"hmm\"}]}}");
        noisy.add("[1,2,3]");
        noisy.add("{}");
        noisy.add("null");
        for (String line : lines) {
            noisy.add(line.substring(0, line.length() / 2)); // cut short
            noisy.add(line);
        }
        RecordingListener listener = new RecordingListener();

        ClaudeRun run = Transcripts.replay(noisy, listener);

        assertThat(run.result()).isPresent();
        assertThat(run.usage().costMicros()).isEqualTo(10_635);
        assertThat(listener.activities).doesNotContain("hmm");
    }

    @Test
    void sessionId_comesFromTheResultWhenThereIsNoInitLine() {
        RecordingListener listener = new RecordingListener();

        ClaudeRun run = Transcripts.replay(Transcripts.lines("t5_resume_wrong_cwd"), listener);

        assertThat(listener.sessions).containsExactly("03eb1b68-1ce5-4210-a6af-5a5c9c127f07");
        assertThat(run.sessionId()).contains("03eb1b68-1ce5-4210-a6af-5a5c9c127f07");
    }

    @Test
    void toolResultsAsBlocks_areRead() {
        List<ClaudeEvent> events = StreamJson.parse("{\"type\":\"user\",\"message\":{\"content\":[{\"type\":"
                + "\"tool_result\",\"tool_use_id\":\"t1\",\"is_error\":true,\"content\":[{\"type\":\"text\","
                + "\"text\":\"denied\"}]}]}}");

        assertThat(events).containsExactly(new ClaudeEvent.ToolResult("t1", true, "denied"));
    }
}
