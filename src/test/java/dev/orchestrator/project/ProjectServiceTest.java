package dev.orchestrator.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.store.Database;
import dev.orchestrator.store.SqliteProjectRepository;
import dev.orchestrator.workspace.ProjectFolders;
import dev.orchestrator.workspace.WorkspaceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectServiceTest {
    @TempDir
    Path dir;

    private Database database;
    private ProjectService service;
    private Path workspace;

    @BeforeEach
    void open() {
        database = Database.open(dir.resolve("orchestrator.db"), Database.Durability.NORMAL);
        workspace = dir.resolve("workspace");
        service = new ProjectService(
                new SqliteProjectRepository(database, InstantSource.system()),
                new ProjectFolders(workspace),
                () -> "{}");
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void create_recordsTheProjectAndMakesItsFolder() {
        Project project = service.create("Build a todo CLI", "todo-cli");

        assertThat(project.workspace()).isEqualTo(workspace.resolve("todo-cli"));
        assertThat(project.workspace()).isDirectory();
        assertThat(project.idea()).isEqualTo("Build a todo CLI");
    }

    @Test
    void create_givesAFreeFormNameASlugFolder() {
        Project project = service.create("idea", "My Weather Dashboard");

        assertThat(project.name()).isEqualTo("My Weather Dashboard");
        assertThat(project.slug()).isEqualTo("my-weather-dashboard");
        assertThat(project.workspace()).isEqualTo(workspace.resolve("my-weather-dashboard"));
    }

    @Test
    void suggestName_skipsNamesTakenInTheStoreOrOnDisk() throws IOException {
        service.create("todo cli", "todo-cli");
        Files.createDirectories(workspace.resolve("todo-cli-2"));
        Files.writeString(workspace.resolve("todo-cli-2/notes.txt"), "someone's work");

        assertThat(service.suggestName("a todo CLI")).isEqualTo("todo-cli-3");
    }

    @Test
    void suggestName_acceptsAnEmptyLeftoverFolder() throws IOException {
        Files.createDirectories(workspace.resolve("todo-cli"));

        assertThat(service.suggestName("todo cli")).isEqualTo("todo-cli");
    }

    @Test
    void create_neverTakesOverAFolderWithSomeonesWork() throws IOException {
        Files.createDirectories(workspace.resolve("taken"));
        Files.writeString(workspace.resolve("taken/keep.txt"), "mine");

        assertThatThrownBy(() -> service.create("idea", "taken"))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("already in use");
        assertThat(workspace.resolve("taken/keep.txt")).hasContent("mine");
        assertThat(service.repository().counts().total()).isZero();
    }

    @Test
    void problemWithName_explainsEachKindOfBadName() {
        service.create("idea", "existing");

        assertThat(service.problemWithName("  ")).contains("a project needs a name");
        assertThat(service.problemWithName("/status")).get().asString().contains("cannot start with /");
        assertThat(service.problemWithName("123")).get().asString().contains("only digits");
        assertThat(service.problemWithName("???")).get().asString().contains("at least one letter");
        assertThat(service.problemWithName("EXISTING")).get().asString().contains("already exists");
        assertThat(service.problemWithName("x".repeat(61))).get().asString().contains("at most 60");
        assertThat(service.problemWithName("fine name")).isEmpty();
    }

    @Test
    void create_removesTheFolderItMadeWhenRecordingFails() {
        database.close();

        assertThatThrownBy(() -> service.create("idea", "doomed")).isInstanceOf(RuntimeException.class);
        assertThat(workspace.resolve("doomed")).doesNotExist();
        database = Database.open(dir.resolve("orchestrator.db"), Database.Durability.NORMAL);
    }

    @Test
    void create_reportsAWorkspaceThatCannotBeCreated() throws IOException {
        Files.writeString(dir.resolve("file-not-folder"), "x");
        ProjectService blocked = new ProjectService(
                service.repository(), new ProjectFolders(dir.resolve("file-not-folder")), () -> "{}");

        assertThatThrownBy(() -> blocked.create("idea", "anything"))
                .isInstanceOf(WorkspaceException.class)
                .hasMessageContaining("cannot create the project folder");
    }

    @Test
    void resolve_findsByIdNameOrSlug() {
        Project project = service.create("idea", "Todo CLI");

        assertThat(service.resolve(project.id().toString())).contains(project);
        assertThat(service.resolve("todo cli")).contains(project);
        assertThat(service.resolve("todo-cli")).contains(project);
        assertThat(service.resolve("99")).isEmpty();
    }
}
