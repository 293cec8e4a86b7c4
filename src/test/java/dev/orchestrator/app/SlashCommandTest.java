package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The Claude Code slash command we ship runs the command line this version accepts, and nothing else. */
class SlashCommandTest {
    private static final Path FILE = Path.of(".claude/commands/orchestrate.md");

    @Test
    void frontMatter_describesTheCommand_andAllowsOnlyOrchestratorRuns() throws IOException {
        String text = Files.readString(FILE);
        assertThat(text).startsWith("---\n");
        String frontMatter = text.substring(4, text.indexOf("\n---\n", 4));
        JsonNode yaml = YAMLMapper.builder().build().readTree(frontMatter);

        assertThat(yaml.path("description").asString()).isNotBlank();
        assertThat(yaml.path("argument-hint").asString()).startsWith("<milestone>");
        assertThat(Arrays.stream(yaml.path("allowed-tools").asString().split(",\\s*")))
                .allMatch(
                        tool -> tool.equals("Read") || tool.matches("Bash\\((orchestrator|java -jar \\S+) run:\\*\\)"));
        assertThat(text).contains("$ARGUMENTS");
    }

    @Test
    void theCommandLineItTeaches_isOneTheCliAccepts() throws IOException {
        Matcher example = Pattern.compile("`(M1 --issue ISSUE-7)` becomes `(--milestone=M1 --issue=ISSUE-7)`")
                .matcher(Files.readString(FILE));
        assertThat(example.find()).isTrue();

        Cli cli = Cli.parse(("run " + example.group(2)).split(" "));

        assertThat(cli.mode())
                .isEqualTo(new Cli.Mode.Run("M1", Optional.of("ISSUE-7"), Optional.empty(), Optional.empty()));
    }
}
