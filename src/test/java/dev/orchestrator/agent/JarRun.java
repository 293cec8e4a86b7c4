package dev.orchestrator.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The packaged jar as a process in a test's folder, as the real-agent integration tests start it. */
public final class JarRun {
    private JarRun() {}

    /** The jar Failsafe packaged ({@code orchestrator.jar}). */
    public static String jarFile() {
        return System.getProperty("orchestrator.jar", "target/orchestrator.jar");
    }

    /** {@code java -jar JAR ARGS} in {@code dir}, {@code home} its ORCHESTRATOR_HOME, its merged output in {@code dir/out}. */
    public static ProcessBuilder jar(Path dir, Path home, String out, List<String> args) {
        return jar(jarFile(), dir, home, out, args);
    }

    /** The same with another build of the jar. */
    public static ProcessBuilder jar(String jarFile, Path dir, Path home, String out, List<String> args) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jarFile));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(out).toFile());
        builder.environment().put("ORCHESTRATOR_HOME", home.toString());
        builder.environment().remove("ORCHESTRATOR_FAIL_AT_PHASE");
        return builder;
    }

    /** The project's folder: the first one under the home's workspace. */
    public static Path workspace(Path home) {
        try (Stream<Path> folders = Files.list(home.resolve("workspace"))) {
            return folders.findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
