package dev.orchestrator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Time from the start of a JVM to the moment it follows again the output of an agent that an
 * earlier Orchestrator started and that kept working after that Orchestrator was killed. Each run:
 * {@code generate} a project whose agent is a stand-in for {@code claude} (a shell script that
 * prints Claude Code's stream-json; the W1 developer's call prints a line every 50 ms until
 * released), SIGKILL the jar once that call is under way, start {@code --resume 1}, and time until
 * the call's readable log grows past what the killed JVM wrote (the adopting follower rewrites it
 * from the agent's output file, which the agent went on writing). Then the agent is released and
 * the resumed run completes the project.
 *
 * <p>Usage: {@code AdoptionBench JAVA JAR RUNS [JVM_OPTION...]}.
 */
public final class AdoptionBench {
    private AdoptionBench() {}

    public static void main(String[] args) throws Exception {
        String java = args[0];
        String jar = args[1];
        int runs = Integer.parseInt(args[2]);
        List<String> jvmOptions = Arrays.asList(args).subList(3, args.length);
        long[] millis = new long[runs];
        for (int i = 0; i < runs; i++) {
            millis[i] = run(java, jar, jvmOptions);
            System.out.printf(Locale.ROOT, "run %d: %d ms%n", i + 1, millis[i]);
        }
        Arrays.sort(millis);
        System.out.printf(
                Locale.ROOT,
                "JVM start to the adopted agent followed again: median %d ms, min %d ms, p90 %d ms, max %d ms (%d runs)%n",
                millis[runs / 2],
                millis[0],
                millis[Math.min(runs - 1, (int) Math.ceil(runs * 0.9) - 1)],
                millis[runs - 1],
                runs);
    }

    private static long run(String java, String jar, List<String> jvmOptions) throws Exception {
        Path dir = Files.createTempDirectory("orchestrator-bench-adoption");
        Path home = Files.createDirectories(dir.resolve("home"));
        Path fake = fakeClaude(dir);
        Files.writeString(
                home.resolve("config.yaml"),
                "agent:\n  backend: claude-code\n  command: \"" + fake + "\"\n  env:\n    ANTHROPIC_API_KEY: bench\n"
                        + "    BENCH_DIR: \"" + dir + "\"\n");
        Process first = start(java, jar, jvmOptions, home, dir.resolve("first.out"), "generate", "a file that says hi");
        Path started = dir.resolve("w1-started");
        awaitFile(started, first, 120);
        Path log = developerLog(home);
        long before = Files.size(log);
        first.destroyForcibly();
        first.waitFor(10, TimeUnit.SECONDS);

        long t0 = System.nanoTime();
        List<String> secondOptions = new ArrayList<>(jvmOptions);
        // e.g. a flight recording of the adopting JVM: ADOPTION_BENCH_SECOND_OPTS=-XX:StartFlightRecording=...
        Optional.ofNullable(System.getenv("ADOPTION_BENCH_SECOND_OPTS"))
                .ifPresent(o -> secondOptions.addAll(List.of(o.split(" "))));
        Process second = start(java, jar, secondOptions, home, dir.resolve("second.out"), "--resume", "1");
        long followed = -1;
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.size(log) > before) {
                followed = System.nanoTime();
                break;
            }
            Thread.onSpinWait();
            Thread.sleep(0, 200_000);
        }
        Files.createFile(dir.resolve("release"));
        if (!second.waitFor(120, TimeUnit.SECONDS) || second.exitValue() != 0) {
            throw new IllegalStateException(
                    "the resumed run did not complete: " + Files.readString(dir.resolve("second.out")));
        }
        if (followed < 0) {
            throw new IllegalStateException(
                    "the adopted agent's output was never followed: " + Files.readString(dir.resolve("second.out")));
        }
        if (System.getenv("ADOPTION_BENCH_KEEP") == null) {
            deleteTree(dir);
        } else {
            System.out.println("kept " + dir);
        }
        return TimeUnit.NANOSECONDS.toMillis(followed - t0);
    }

    private static Process start(String java, String jar, List<String> jvmOptions, Path home, Path out, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar, "--autonomy", "full"));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("ORCHESTRATOR_HOME", home.toString());
        return builder.start();
    }

    private static void awaitFile(Path file, Process process, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.exists(file)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the W1 developer never started; the first run ended or hung");
            }
            Thread.sleep(5);
        }
    }

    /** The W1 developer call's readable log, once the killed JVM has written its first lines. */
    private static Path developerLog(Path home) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.walk(home.resolve("workspace"))) {
                List<Path> logs = files.filter(f -> f.getFileName().toString().matches("W1-developer-\\d+\\.jsonl"))
                        .toList();
                if (!logs.isEmpty() && Files.size(logs.getFirst()) > 0) {
                    return logs.getFirst();
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no readable log of the W1 developer appeared");
    }

    /**
     * A stand-in for {@code claude -p --output-format stream-json}: answers each contract with a
     * valid document in a result line; the W1 developer prints a line every 50 ms until released.
     */
    private static Path fakeClaude(Path dir) throws IOException {
        String script = """
                #!/bin/sh
                if [ "$1" = "--version" ]; then echo "2.1.197 (Claude Code)"; exit 0; fi
                prompt=$(cat)
                contract=$(printf '%%s' "$prompt" | grep -o 'one complete `[a-z_]*\\.v1` document' | tail -n 1 | cut -d'`' -f2)
                echo '{"type":"system","subtype":"init","session_id":"bench-'$$'","cwd":"'"$PWD"'","model":"bench","tools":[]}'
                case "$prompt" in
                  *"# W1: "*)
                    if [ "$contract" = dev_result.v1 ]; then
                      touch "$BENCH_DIR/w1-started"
                      n=0
                      while [ ! -e "$BENCH_DIR/release" ] && [ $n -lt 1200 ]; do
                        echo '{"type":"assistant","message":{"id":"m'$n'","role":"assistant","content":[{"type":"text","text":"working"}]},"session_id":"bench-'$$'"}'
                        n=$((n + 1)); sleep 0.05
                      done
                      echo hi > hello.txt
                    fi;;
                esac
                case "$contract" in
                  requirements.v1) doc=%s;;
                  architecture.v1) doc=%s;;
                  work_plan.v1) doc=%s;;
                  dev_result.v1) doc=%s;;
                  review.v1) doc=%s;;
                esac
                printf '%%s\n' '{"type":"result","subtype":"success","is_error":false,"result":"Here it is.\\n```json\\n'"$doc"'\\n```","session_id":"bench-'$$'","usage":{"input_tokens":10,"output_tokens":5},"total_cost_usd":0.0001}'
                """.formatted(
                quoted("{\"contract\":\"requirements.v1\",\"name\":\"Hello\",\"summary\":\"Writes hello.txt.\","
                        + "\"features\":[{\"id\":\"F1\",\"title\":\"Hello\",\"description\":\"Says hi.\","
                        + "\"priority\":\"must\"}],\"constraints\":[],\"questions\":[]}"),
                quoted("{\"contract\":\"architecture.v1\",\"summary\":\"One file.\",\"stack\":{\"language\":"
                        + "\"text\",\"storage\":\"none\",\"frameworks\":[]},\"components\":[{\"name\":\"hello\","
                        + "\"responsibility\":\"Says hi.\",\"paths\":[\"hello.txt\"]}],\"commands\":{\"setup\":"
                        + "\"true\",\"build\":\"true\",\"test\":\"true\",\"run\":\"true\"},\"questions\":[]}"),
                quoted("{\"contract\":\"work_plan.v1\",\"items\":[{\"key\":\"W1\",\"title\":\"Write hello.txt\","
                        + "\"description\":\"Create it.\",\"acceptance\":[\"it exists\"],\"depends_on\":[],"
                        + "\"priority\":1}]}"),
                quoted("{\"contract\":\"dev_result.v1\",\"status\":\"done\",\"summary\":\"Done.\",\"files\":[],"
                        + "\"blocker\":null}"),
                quoted("{\"contract\":\"review.v1\",\"status\":\"pass\",\"summary\":\"Fine.\",\"findings\":[]}"));
        Path file = dir.resolve("claude");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    /** A document as the shell's single-quoted text of a JSON string's content (quotes escaped). */
    private static String quoted(String json) {
        return "'" + json.replace("\"", "\\\"") + "'";
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
