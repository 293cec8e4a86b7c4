package dev.orchestrator.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Time from launching the jar to its first prompt, and of {@code --version}, over repeated runs of
 * the real jar as a child process. Usage: {@code StartupBench JAVA JAR RUNS [JVM_OPTION...]}.
 * The prompt is recognised as the first {@code "> "} after the banner on a non-terminal stdout.
 */
public final class StartupBench {
    private StartupBench() {}

    public static void main(String[] args) throws Exception {
        String java = args[0];
        String jar = args[1];
        int runs = Integer.parseInt(args[2]);
        List<String> jvmOptions = Arrays.asList(args).subList(3, args.length);
        Path home = Files.createTempDirectory("orchestrator-bench-home");
        // one unmeasured run creates and migrates the database, like any second start
        timeToPrompt(java, jar, jvmOptions, home);
        long[] prompt = new long[runs];
        long[] version = new long[runs];
        for (int i = 0; i < runs; i++) {
            prompt[i] = timeToPrompt(java, jar, jvmOptions, home);
            version[i] = timeVersion(java, jar, jvmOptions);
        }
        report("first prompt", prompt);
        report("--version", version);
    }

    private static List<String> command(String java, String jar, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar);
        command.addAll(List.of(args));
        return command;
    }

    private static long timeToPrompt(String java, String jar, List<String> jvmOptions, Path home) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command(java, jar, jvmOptions, "--home", home.toString()));
        builder.redirectErrorStream(true);
        long start = System.nanoTime();
        Process process = builder.start();
        InputStream out = process.getInputStream();
        StringBuilder seen = new StringBuilder();
        int c;
        while ((c = out.read()) >= 0) {
            seen.append((char) c);
            if (seen.length() >= 2 && seen.charAt(seen.length() - 2) == '>' && seen.charAt(seen.length() - 1) == ' ') {
                break;
            }
        }
        long elapsed = System.nanoTime() - start;
        if (c < 0) {
            throw new IllegalStateException("no prompt; the output was:\n" + seen);
        }
        try (OutputStream in = process.getOutputStream()) {
            in.write("/quit\n".getBytes(StandardCharsets.UTF_8));
        }
        out.transferTo(OutputStream.nullOutputStream());
        process.waitFor();
        return elapsed;
    }

    private static long timeVersion(String java, String jar, List<String> jvmOptions)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command(java, jar, jvmOptions, "--version"))
                .redirectErrorStream(true)
                .start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        process.waitFor();
        return System.nanoTime() - start;
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(
                "%-13s median %4d ms   min %4d ms   p90 %4d ms   max %4d ms   (%d runs)%n",
                what,
                sorted[sorted.length / 2] / 1_000_000,
                sorted[0] / 1_000_000,
                sorted[(int) Math.ceil(sorted.length * 0.9) - 1] / 1_000_000,
                sorted[sorted.length - 1] / 1_000_000,
                sorted.length);
    }
}
