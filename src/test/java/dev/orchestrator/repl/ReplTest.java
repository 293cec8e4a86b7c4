package dev.orchestrator.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.project.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplTest {
    @TempDir
    Path home;

    private ReplDriver repl;

    private ReplDriver start() throws Exception {
        repl = new ReplDriver(home);
        repl.awaitOutput("> ");
        return repl;
    }

    @AfterEach
    void stop() throws Exception {
        if (repl != null) {
            repl.close();
        }
    }

    @Test
    void banner_showsVersionDatabaseAndHowToStart() throws Exception {
        String shown = start().awaitOutput("> ");

        assertThat(shown)
                .contains("Orchestrator 9.9.9 - database " + home.resolve("orchestrator.db"))
                .contains("No projects yet. Type an idea to start one");
    }

    @Test
    void agents_listsEveryRealBackendWithItsStatusAndTheOneInUse() throws Exception {
        start().awaitOutput("> ");

        String shown = repl.type("/agents").awaitOutput("agent.backend is scripted");

        assertThat(shown).contains("BACKEND", "STATUS", "VERSION", "MODEL", "claude-code", "codex");
        assertThat(repl.type("/agents now").awaitOutput("takes no arguments")).contains("error");
    }

    @Test
    void banner_summarisesExistingProjects() throws Exception {
        try (var first = new ReplDriver(home)) {
            first.service.create("one", "one");
            first.service.create("two", "two");
        }
        String shown = start().awaitOutput("> ");

        assertThat(shown).contains("2 projects: 2 not started - /projects lists them - /help for commands");
    }

    @Test
    void idea_createsAProjectUnderTheSuggestedNameWithItsFolder() throws Exception {
        start().type("Build me a CLI todo app with tags").awaitOutput("Name [cli-todo-tags]: ");
        String shown = repl.type("").awaitOutput("/status 1 shows it");

        assertThat(shown)
                .contains("Created project 1 - cli-todo-tags")
                .contains("Folder  " + home.resolve("workspace/cli-todo-tags"))
                .contains("Its pipeline is running");
        assertThat(home.resolve("workspace/cli-todo-tags")).isDirectory();
        assertThat(repl.service.resolve("1"))
                .get()
                .extracting(Project::idea)
                .isEqualTo("Build me a CLI todo app with tags");
    }

    @Test
    void idea_takesAnotherNameAndMakesItsSlug() throws Exception {
        start().type("a weather dashboard").awaitOutput("Name [");
        String shown = repl.type("My Weather Board").awaitOutput("/status 1 shows it");

        assertThat(shown).contains("Created project 1 - My Weather Board");
        assertThat(home.resolve("workspace/my-weather-board")).isDirectory();
    }

    @Test
    void idea_askedAgainWhenTheNameIsTaken() throws Exception {
        start().type("first idea").awaitOutput("Name [");
        repl.type("shop").awaitOutput("/status 1 shows it");
        repl.type("second idea").awaitOutput("Name [");

        String shown = repl.type("SHOP").awaitOutput("Ctrl+C to cancel");
        assertThat(shown).contains("error: a project named 'SHOP' (or 'shop') already exists");
        repl.type("shop-2").awaitOutput("/status 2 shows it");
        assertThat(repl.service.repository().counts().total()).isEqualTo(2);
    }

    @Test
    void idea_ctrlCAtTheNameCancelsAndCreatesNothing() throws Exception {
        start().type("an idea I regret").awaitOutput("Name [");
        String shown = repl.press("\u0003").awaitOutput("Cancelled; no project was created.");

        assertThat(shown).doesNotContain("Created project");
        assertThat(repl.service.repository().counts().total()).isZero();
        assertThat(home.resolve("workspace")).doesNotExist();
    }

    @Test
    void idea_ofTwoWordsStillStartsAProject() throws Exception {
        start().type("weather dashboard").awaitOutput("Name [");
        repl.type("").awaitOutput("/status 1 shows it");

        assertThat(repl.service.repository().counts().total()).isEqualTo(1);
    }

    @Test
    void oneWord_withNothingWaiting_createsNoProjectAndExplainsHowToStartOne() throws Exception {
        String shown = start().type("y").awaitOutput("/help lists every command");

        assertThat(repl.outputAfter("> y"))
                .contains("Nothing was started: an idea needs at least two words, for example a todo app with tags")
                .doesNotContain("Did you mean")
                .doesNotContain("Name [");
        assertThat(repl.service.repository().counts().total()).isZero();
        assertThat(shown).doesNotContain("Created project");
    }

    @Test
    void oneWord_closeToACommandSuggestsIt() throws Exception {
        start().type("stauts").awaitOutput("Did you mean /status? /help lists every command.");
        repl.type("ls").awaitOutput("Did you mean /projects?");

        assertThat(repl.service.repository().counts().total()).isZero();
    }

    @Test
    void projects_whenEmptyExplainsHowToStart() throws Exception {
        assertThat(start().type("/projects").awaitOutput("No projects yet. Type an idea"))
                .contains("for example");
    }

    @Test
    void projects_listsNewestFirstInAlignedColumns() throws Exception {
        start();
        repl.service.create("idea one", "alpha");
        repl.service.create("idea two", "a-much-longer-name");
        String shown = repl.type("/projects").awaitOutput("2 projects");

        String table = shown.substring(shown.indexOf("ID  NAME"));
        assertThat(table.lines().limit(3))
                .containsExactly(
                        "ID  NAME                STATUS       PHASE  PROGRESS  COST  LAST ACTIVITY",
                        " 2  a-much-longer-name  not started  -             -     -  just now",
                        " 1  alpha               not started  -             -     -  just now");
    }

    @Test
    void projects_pagesALongListAndSaysHowToGoOn() throws Exception {
        start();
        for (int i = 1; i <= 30; i++) {
            repl.service.create("idea " + i, "project-" + i);
        }
        String first = repl.type("/projects").awaitOutput("for more");
        assertThat(first).contains("Showing 1-18 of 30 - page 1 of 2 - /projects 2 for more");
        assertThat(first).contains("project-30").doesNotContain("project-12 ");

        String second = repl.type("/projects 2").awaitOutput("Showing 19-30 of 30");
        assertThat(second).contains("project-1 ");
        assertThat(repl.type("/projects 9").awaitOutput("there is no page 9")).contains("the last page is 2");
        assertThat(repl.type("/projects two").awaitOutput("takes a page number"))
                .contains("/projects 2");
    }

    @Test
    void status_showsEveryPhaseAndSaysWhatToDoNext() throws Exception {
        start();
        repl.service.create("Build me a CLI todo app", "todo");
        String shown = repl.type("/status todo").awaitOutput("/resume 1 starts its pipeline.");

        assertThat(repl.outputAfter("> /status todo"))
                .contains("Project 1 - todo")
                .contains("Status     not started")
                .contains("Idea       Build me a CLI todo app")
                .contains("Workspace  " + home.resolve("workspace/todo"))
                .contains("ideation        pending")
                .contains("deploy          pending")
                .contains("project created")
                .contains("Not started yet");
        assertThat(shown).isNotEmpty();
    }

    @Test
    void status_withoutAProjectShowsTheNewest_andByIdWorks() throws Exception {
        start();
        repl.service.create("one", "older");
        repl.service.create("two", "newer");

        repl.type("/status").awaitOutput("Project 2 - newer");
        repl.type("/status 1").awaitOutput("Project 1 - older");
    }

    @Test
    void status_ofAnUnknownProjectSaysHowToFindOne() throws Exception {
        assertThat(start().type("/status nope").awaitOutput("/projects lists them"))
                .contains("error: no project is called or numbered 'nope'");
    }

    @Test
    void unknownCommand_suggestsTheNearest() throws Exception {
        assertThat(start().type("/projcts").awaitOutput("/help lists every command"))
                .contains("error: unknown command /projcts. Did you mean /projects?");
        assertThat(repl.type("/").awaitOutput("a command name goes after the slash"))
                .isNotEmpty();
    }

    @Test
    void help_listsEveryCommandWithAnExample_andExplainsOne() throws Exception {
        String shown = start().type("/help").awaitOutput("Ctrl+D or /quit leaves");

        assertThat(shown)
                .contains("/help [command]")
                .contains("/projects [page]")
                .contains("/status [id|name]")
                .contains("/quit")
                .contains("/status 3")
                .contains("Start a project");
        assertThat(repl.type("/help ls").awaitOutput("example: /projects 2")).contains("also: /ls, /list");
    }

    @Test
    void ctrlC_clearsATypedLine_thenTheSessionGoesOn() throws Exception {
        start().press("half a thought\u0003");
        repl.type("/projects").awaitOutput("No projects yet. Type an idea to start one, for example");

        assertThat(repl.service.repository().counts().total()).isZero();
        assertThat(repl.isRunning()).isTrue();
    }

    @Test
    void ctrlC_onAnEmptyLineExplains_andASecondOneSoonAfterQuits() throws Exception {
        start().press("\u0003").awaitOutput("Ctrl+C again within 2 seconds quits");
        repl.now.set(repl.now.get().plus(Duration.ofSeconds(1)));
        repl.press("\u0003");

        repl.awaitExit();
        assertThat(repl.output()).contains("Everything is saved in");
    }

    @Test
    void ctrlC_twiceFarApartDoesNotQuit() throws Exception {
        start().press("\u0003").awaitOutput("Ctrl+C again within 2 seconds quits");
        repl.now.set(repl.now.get().plus(Duration.ofSeconds(5)));
        repl.press("\u0003");
        repl.type("/projects").awaitOutput("No projects yet. Type an idea to start one, for example");

        assertThat(repl.isRunning()).isTrue();
    }

    @Test
    void ctrlD_quits() throws Exception {
        start().press("\u0004");

        repl.awaitExit();
        assertThat(repl.output())
                .endsWith("Everything is saved in " + home.resolve("orchestrator.db") + ". Bye."
                        + System.lineSeparator());
    }

    @Test
    void quit_andItsAliasesLeave() throws Exception {
        start().type("/exit");

        repl.awaitExit();
    }

    @Test
    void detach_leavesAtOnce_sayingNoAgentWasAtWork() throws Exception {
        start().type("/detach");

        repl.awaitExit();
        assertThat(repl.exit()).isEqualTo(Repl.Exit.DETACH);
        assertThat(repl.output()).contains("Detached; no agent was at work. Everything is saved in");
    }

    @Test
    void quitDetach_isDetach_andQuitWithAnythingElseExplains() throws Exception {
        start().type("/quit --now").awaitOutput("/quit takes nothing, or --detach");
        assertThat(repl.isRunning()).isTrue();

        repl.type("/quit --detach");

        repl.awaitExit();
        assertThat(repl.exit()).isEqualTo(Repl.Exit.DETACH);
    }

    @Test
    void quit_endsTheSessionAsAQuit() throws Exception {
        start().type("/quit");

        repl.awaitExit();
        assertThat(repl.exit()).isEqualTo(Repl.Exit.QUIT);
    }

    @Test
    void history_isKeptAcrossSessions() throws Exception {
        start().type("/projects").awaitOutput("No projects yet. Type an idea to start one, for example");
        repl.type("/quit");
        repl.awaitExit();

        assertThat(Files.readString(home.resolve("history"))).contains("/projects");
    }

    @Test
    void controlCharactersNeverBecomePartOfAnIdeaOrCommand() throws Exception {
        start().type("\u0015/projects").awaitOutput("No projects yet. Type an idea to start one, for example");

        assertThat(Repl.printable("a\u001b[31mb\tc ")).isEqualTo("a[31mb c");
        assertThat(repl.service.repository().counts().total()).isZero();
    }
}
