package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CliRunTest {
    @Test
    void run_readsMilestoneIssueConfigAndRepo() {
        Cli cli = Cli.parse(new String[] {
            "run", "--milestone=M1", "--issue", "ISSUE-7", "--config=ops/orchestrator.config.yaml", "--repo", "../app"
        });

        assertThat(cli.mode())
                .isEqualTo(new Cli.Mode.Run(
                        "M1",
                        Optional.of("ISSUE-7"),
                        Optional.of(Path.of("ops/orchestrator.config.yaml")),
                        Optional.of(Path.of("../app"))));
    }

    @Test
    void run_configNamesTheRepositorysFileNotTheOrchestratorsOwn() {
        Cli cli = Cli.parse(new String[] {"run", "--milestone", "M1", "--config", "repo.yaml", "--home", "/h"});

        assertThat(cli.config()).isEmpty();
        assertThat(cli.home()).contains(Path.of("/h"));
        assertThat(((Cli.Mode.Run) cli.mode()).repoConfig()).contains(Path.of("repo.yaml"));
    }

    @Test
    void run_withOnlyTheMilestone_leavesTheRestToDefaults() {
        Cli cli = Cli.parse(new String[] {"--set", "agent.backend=codex", "run", "--milestone=3"});

        assertThat(cli.mode()).isEqualTo(new Cli.Mode.Run("3", Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(cli.settings()).hasSize(1);
    }

    @Test
    void otherModes_keepConfigAsTheOrchestratorsFile() {
        Cli cli = Cli.parse(new String[] {"--config", "mine.yaml"});

        assertThat(cli.config()).contains(Path.of("mine.yaml"));
        assertThat(cli.mode()).isInstanceOf(Cli.Mode.Interactive.class);
    }

    @Test
    void run_withoutMilestone_saysHowToNameIt() {
        assertThatThrownBy(() -> Cli.parse(new String[] {"run"}))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("run needs the milestone")
                .hasMessageContaining("orchestrator run --milestone=M1");
    }

    @Test
    void run_withBlankIssue_isAUsageError() {
        assertThatThrownBy(() -> Cli.parse(new String[] {"run", "--milestone=M1", "--issue="}))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--issue needs an issue id");
    }

    @Test
    void run_withAStrayArgument_suggestsTheMilestoneFlag() {
        assertThatThrownBy(() -> Cli.parse(new String[] {"run", "M1"}))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("unexpected argument 'M1' after run")
                .hasMessageContaining("--milestone");
    }

    @Test
    void milestoneFlagsWithoutRun_sayTheyBelongToRun() {
        assertThatThrownBy(() -> Cli.parse(new String[] {"--milestone", "M1"}))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--milestone belongs to run");
        assertThatThrownBy(() -> Cli.parse(new String[] {"generate", "an idea", "--repo=x"}))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--repo belongs to run");
    }

    @Test
    void run_withAnotherMode_isRefused() {
        assertThatThrownBy(() -> Cli.parse(new String[] {"run", "--milestone=M1", "--export=3"}))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("choose one of generate, run,");
    }

    @Test
    void help_documentsRunAndItsMeaningOfConfig() {
        assertThat(String.join("\n", Cli.USAGE))
                .contains("orchestrator run --milestone=ID [--issue=ID] [--config=PATH] [--repo=DIR]")
                .contains("(with run: the repository's orchestrator.config.yaml or .json)");
    }
}
