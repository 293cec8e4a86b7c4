package dev.orchestrator.agent.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.Role;
import dev.orchestrator.process.ChildProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodexInstallationTest {
    @TempDir
    Path dir;

    private final ChildProcesses processes = new ChildProcesses();

    private CodexInstallation installation(String command, Map<String, String> environment) {
        return new CodexInstallation(command, environment, processes);
    }

    private Path fakeCodex(String script) throws IOException {
        Path program = dir.resolve("bin/codex");
        Files.createDirectories(program.getParent());
        Files.writeString(program, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        return program;
    }

    @Test
    void aProgramNotOnThePath_isMissing_withTheInstallCommand() {
        var status = installation("codex", Map.of("PATH", dir.toString())).status("codex", Optional.empty());

        assertThat(status.problem())
                .hasValueSatisfying(
                        why -> assertThat(why).contains("`codex`", "on the PATH", "npm i -g @openai/codex"));
    }

    @Test
    void aWorkingProgramWithAnApiKey_isAvailable_withItsVersion() throws IOException {
        fakeCodex("echo 'codex-cli 0.169.0'");
        Map<String, String> env = Map.of(
                "PATH",
                dir.resolve("bin").toString(),
                "CODEX_HOME",
                dir.resolve("home").toString(),
                "OPENAI_API_KEY",
                "sk-x");

        var status = installation("codex", env).status("codex", Optional.of("gpt-5.5"));

        assertThat(status.problem()).isEmpty();
        assertThat(status.version()).contains("0.169.0");
        assertThat(status.command()).isEqualTo(dir.resolve("bin/codex").toString());
        assertThat(status.model()).contains("gpt-5.5");
    }

    @Test
    void aFailingVersionCheck_makesItUnavailable() throws IOException {
        Path program = fakeCodex("echo 'segfault' >&2; exit 139");

        var status =
                installation(program.toString(), Map.of("OPENAI_API_KEY", "k")).status("codex", Optional.empty());

        assertThat(status.problem()).hasValueSatisfying(why -> assertThat(why).contains("--version", "segfault"));
    }

    @Test
    void credentials_comeFromTheKey_theAuthFile_orTheProvidersEnvKey() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> noKey = Map.of("CODEX_HOME", home.toString());
        CodexHome codexHome = CodexHome.of(noKey);

        assertThat(installation("codex", noKey).credentialsProblem(codexHome))
                .hasValueSatisfying(why -> assertThat(why).contains("codex login", "OPENAI_API_KEY"));
        assertThat(installation("codex", Map.of("OPENAI_API_KEY", "k")).credentialsProblem(codexHome))
                .isEmpty();

        Files.writeString(home.resolve("auth.json"), "{}");
        assertThat(installation("codex", noKey).credentialsProblem(codexHome)).isEmpty();
        Files.delete(home.resolve("auth.json"));

        Files.writeString(home.resolve("config.toml"), """
                model = "gpt-5.5" # the default
                model_provider = "fake"
                [model_providers.fake]
                base_url = "http://127.0.0.1:1/v1"
                env_key = "FAKE_API_KEY"
                """);
        assertThat(installation("codex", Map.of("OPENAI_API_KEY", "k")).credentialsProblem(codexHome))
                .hasValueSatisfying(why -> assertThat(why).contains("FAKE_API_KEY", "model_provider `fake`"));
        assertThat(installation("codex", Map.of("FAKE_API_KEY", "x")).credentialsProblem(codexHome))
                .isEmpty();
        assertThat(codexHome.model()).contains("gpt-5.5");
    }

    @Test
    void aSessionFile_givesTheThreadsLastTotals() throws IOException {
        Path day = Files.createDirectories(dir.resolve("home/sessions/2026/11/22"));
        String thread = "01a2022a-1be4-7ea3-8ab8-2b6880fc50ff";
        try (InputStream in = getClass().getResourceAsStream("/agents/codex/rollout-res-home.jsonl")) {
            Files.write(day.resolve("rollout-2026-11-22T07-30-43-" + thread + ".jsonl"), in.readAllBytes());
        }
        CodexHome home = new CodexHome(dir.resolve("home"));

        assertThat(home.threadTotals(thread)).contains(new TokenTotals(200, 0, 40));
        assertThat(home.threadTotals("01a2022a-0000-7000-8000-000000000000")).isEmpty();
        assertThat(home.threadTotals("../../etc")).isEmpty();
    }

    @Test
    void aSessionFile_givesTheThreadsTotalsBeforeAMoment_zeroBeforeItsFirstCount() throws IOException {
        Path day = Files.createDirectories(dir.resolve("home/sessions/2026/11/22"));
        String thread = "01a2022a-1be4-7ea3-8ab8-2b6880fc50ff";
        try (InputStream in = getClass().getResourceAsStream("/agents/codex/rollout-res-home.jsonl")) {
            Files.write(day.resolve("rollout-2026-11-22T07-30-43-" + thread + ".jsonl"), in.readAllBytes());
        }
        CodexHome home = new CodexHome(dir.resolve("home"));

        assertThat(home.threadTotalsBefore(thread, java.time.Instant.parse("2026-11-22T07:30:43Z")))
                .as("a call that started the thread")
                .contains(TokenTotals.ZERO);
        assertThat(home.threadTotalsBefore(thread, java.time.Instant.parse("2026-11-22T07:30:46Z")))
                .as("a call that continued it after its first turn")
                .hasValueSatisfying(totals -> assertThat(totals).isNotEqualTo(TokenTotals.ZERO));
        assertThat(home.threadTotalsBefore(thread, java.time.Instant.parse("2026-11-22T08:00:00Z")))
                .contains(new TokenTotals(200, 0, 40));
    }

    @Test
    void aLane_isSeededFromThePersonsHome_andCleanedUp_copyingBackARefreshedLogin() throws IOException {
        Path person = Files.createDirectories(dir.resolve("person"));
        Files.writeString(person.resolve("config.toml"), "model = \"gpt-5.5\"\n");
        Files.writeString(person.resolve("auth.json"), "{\"old\":true}");
        Path lane = dir.resolve("project/.orchestrator/state/W1/codex-home");

        CodexHome seeded = new CodexHome(person).seed(lane);

        assertThat(lane.resolve("config.toml")).hasContent("model = \"gpt-5.5\"\n");
        assertThat(Files.isSymbolicLink(lane.resolve("auth.json")))
                .as("the login is the person's own")
                .isTrue();
        assertThat(seeded.model()).contains("gpt-5.5");
        // the CLI refreshed its login by writing a new file in the lane
        Files.delete(lane.resolve("auth.json"));
        Files.writeString(lane.resolve("auth.json"), "{\"new\":true}");
        Files.setLastModifiedTime(
                lane.resolve("auth.json"),
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(5)));

        CodexHome.cleanUp(seeded, new CodexHome(person));

        assertThat(lane).doesNotExist();
        assertThat(person.resolve("auth.json")).hasContent("{\"new\":true}");
        assertThat(person.resolve("config.toml")).exists();
    }

    @Test
    void arguments_putTheExecFlagsBeforeResume_readThePromptFromStandardInput_andAReviewerReadsOnly() {
        var config = RealCodex.config("codex", dir);
        CodexAgent agent = new CodexAgent(config, processes, Map.of());
        AgentTask developer = RealCodex.task(Role.DEVELOPER, "-rf do it", dir, Duration.ofSeconds(5));

        assertThat(agent.arguments("codex", developer)).containsExactly(prefix("workspace-write", "-"));
        assertThat(agent.arguments(
                        "codex",
                        RealCodex.task(Role.REVIEWER, "x", dir, Duration.ofSeconds(5))
                                .continuing(Optional.of("T1"), "again")))
                .containsExactly(prefix("read-only", "resume", "T1", "-"));
    }

    private String[] prefix(String sandbox, String... rest) {
        List<String> arguments = new ArrayList<>(List.of(
                "codex",
                "exec",
                "--json",
                "-C",
                dir.toString(),
                "-s",
                sandbox,
                "--skip-git-repo-check",
                "-m",
                "gpt-5.5"));
        arguments.addAll(List.of(rest));
        return arguments.toArray(String[]::new);
    }
}
