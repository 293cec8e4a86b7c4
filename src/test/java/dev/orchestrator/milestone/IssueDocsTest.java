package dev.orchestrator.milestone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssueDocsTest {
    @TempDir
    Path repo;

    private void config(String yaml) throws IOException {
        Files.writeString(repo.resolve("orchestrator.config.yaml"), yaml);
    }

    private Path write(String name, String text) throws IOException {
        Path file = repo.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private void issue(String name, String frontMatter) throws IOException {
        write(name, "---\n" + frontMatter + "\n---\n# Heading of " + name + "\n\nBody.\n");
    }

    private IssueDocs scan() throws IOException {
        if (!Files.exists(repo.resolve("orchestrator.config.yaml"))) {
            config("issue_globs: [docs/issues/**/*.md]\n");
        }
        return IssueDocs.scan(RepoConfigLoader.load(repo, Optional.empty()));
    }

    private List<String> ids(Selection selection) {
        return selection.issues().stream().map(IssueDoc::id).toList();
    }

    @Test
    void globs_matchNestedAndTopLevelFilesButNeverGitOrOrchestratorFolders() throws IOException {
        issue("docs/issues/a.md", "milestone: M1");
        issue("docs/issues/sub/b.md", "milestone: M1");
        issue("docs/issues/c.txt", "milestone: M1");
        issue("docs/other/d.md", "milestone: M1");
        issue("docs/issues/.orchestrator/e.md", "milestone: M1");
        issue("docs/issues/.git/f.md", "milestone: M1");

        assertThat(scan().docs())
                .extracting(doc -> doc.path().toString())
                .containsExactly("docs/issues/a.md", "docs/issues/sub/b.md");
    }

    @Test
    void severalGlobs_areUnitedAndEachFileReadOnce() throws IOException {
        config("issue_globs: [docs/issues/*.md, docs/**/*.md, rfcs/*.md]\n");
        issue("docs/issues/a.md", "milestone: M1");
        issue("rfcs/r.md", "milestone: M1");

        assertThat(scan().docs()).extracting(IssueDoc::id).containsExactly("a", "r");
    }

    @Test
    void frontMatter_fieldsAreRead() throws IOException {
        write("docs/issues/login.md", """
                ---
                id: ISSUE-7
                title: Log in with a passkey
                milestone: M1
                depends_on: [ISSUE-3, ISSUE-4]
                labels: [auth]
                ---
                # A heading that is not the title

                The body.
                """);
        issue("docs/issues/x3.md", "id: ISSUE-3");
        issue("docs/issues/x4.md", "id: ISSUE-4");

        IssueDoc doc = scan().docs().getFirst();

        assertThat(doc.id()).isEqualTo("ISSUE-7");
        assertThat(doc.title()).isEqualTo("Log in with a passkey");
        assertThat(doc.milestone()).contains("M1");
        assertThat(doc.dependsOn()).containsExactly("ISSUE-3", "ISSUE-4");
        assertThat(doc.body()).isEqualTo("# A heading that is not the title\n\nThe body.");
        assertThat(doc.path()).isEqualTo(Path.of("docs/issues/login.md"));
    }

    @Test
    void withoutIdOrTitle_theIdIsTheFileNameAndTheTitleTheFirstHeading() throws IOException {
        write("docs/issues/search-box.md", "---\nmilestone: M1\n---\nIntro line.\n\n# Search box\n\n## Detail\n");
        write("docs/issues/bare.md", "---\nmilestone: M1\n---\nNo heading here.\n");

        List<IssueDoc> docs = scan().docs();

        assertThat(docs).extracting(IssueDoc::id).containsExactly("bare", "search-box");
        assertThat(docs).extracting(IssueDoc::title).containsExactly("bare", "Search box");
    }

    @Test
    void renamedFields_areReadUnderTheirConfiguredNames() throws IOException {
        config("issue_globs: [docs/issues/*.md]\nfields: {id: key, title: name, milestone: release, depends_on: "
                + "after}\n");
        issue("docs/issues/a.md", "key: A\nname: First\nrelease: R2\nafter: B\nmilestone: ignored");
        issue("docs/issues/b.md", "key: B\nrelease: R2");

        IssueDoc doc = scan().docs().getFirst();

        assertThat(doc.id()).isEqualTo("A");
        assertThat(doc.title()).isEqualTo("First");
        assertThat(doc.milestone()).contains("R2");
        assertThat(doc.dependsOn()).containsExactly("B");
    }

    @Test
    void dependencies_asACommaSeparatedText() throws IOException {
        issue("docs/issues/a.md", "milestone: M1\ndepends_on: \"b, c ,, b\"");
        issue("docs/issues/b.md", "milestone: M1");
        issue("docs/issues/c.md", "milestone: M1");

        assertThat(scan().docs().getFirst().dependsOn()).containsExactly("b", "c");
    }

    @Test
    void numbers_areTextAsWritten() throws IOException {
        issue("docs/issues/a.md", "id: 12\nmilestone: 1.10\ndepends_on: [7]");
        issue("docs/issues/b.md", "id: 7\nmilestone: 3");

        List<IssueDoc> docs = scan().docs();

        assertThat(docs.get(0).id()).isEqualTo("12");
        assertThat(docs.get(0).milestone()).contains("1.10");
        assertThat(docs.get(0).dependsOn()).containsExactly("7");
        assertThat(docs.get(1).milestone()).contains("3");
    }

    @Test
    void documentsWithoutFrontMatter_areSkippedWithAReason() throws IOException {
        write("docs/issues/README.md", "# Issues\n\nHow we write them.\n");
        issue("docs/issues/a.md", "milestone: M1");

        IssueDocs docs = scan();

        assertThat(docs.docs()).extracting(IssueDoc::id).containsExactly("a");
        assertThat(docs.skipped()).singleElement().satisfies(skip -> {
            assertThat(skip.path()).isEqualTo(Path.of("docs/issues/README.md"));
            assertThat(skip.reason()).contains("no YAML front matter").contains("milestone");
        });
    }

    @Test
    void malformedFrontMatter_namesFileAndLine() throws IOException {
        write("docs/issues/a.md", "---\nid: a\nmilestone: [M1\n---\nbody\n");

        assertThatThrownBy(this::scan)
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("docs/issues/a.md, line ")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void unclosedFrontMatter_isAnError() throws IOException {
        write("docs/issues/a.md", "---\nmilestone: M1\n# Title\n");

        assertThatThrownBy(this::scan)
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("docs/issues/a.md, line 1")
                .hasMessageContaining("never closed");
    }

    @Test
    void fieldOfTheWrongShape_namesItsLine() throws IOException {
        write("docs/issues/a.md", "---\nid: a\n\nmilestone: {name: M1}\n---\n");

        assertThatThrownBy(this::scan)
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("docs/issues/a.md, line 4: milestone must be a single value, not a mapping");
    }

    @Test
    void sameIdTwice_namesBothFiles() throws IOException {
        issue("docs/issues/a.md", "id: X\nmilestone: M1");
        issue("docs/issues/b.md", "id: X\nmilestone: M1");

        assertThatThrownBy(this::scan).hasMessageContaining("same id: X (docs/issues/a.md and docs/issues/b.md)");
    }

    @Test
    void select_keepsOnlyTheMilestoneInPathOrderWithoutDependencies() throws IOException {
        issue("docs/issues/c.md", "milestone: M1");
        issue("docs/issues/a.md", "milestone: M1");
        issue("docs/issues/b.md", "milestone: M2");
        issue("docs/issues/d.md", "title: no milestone");

        Selection selection = scan().select("M1", Optional.empty());

        assertThat(selection.milestone()).isEqualTo("M1");
        assertThat(ids(selection)).containsExactly("a", "c");
        assertThat(selection.notes()).isEmpty();
    }

    @Test
    void select_numericMilestoneMatchesItsText() throws IOException {
        issue("docs/issues/a.md", "milestone: 3");
        issue("docs/issues/b.md", "milestone: \"3\"");
        issue("docs/issues/c.md", "milestone: 30");

        assertThat(ids(scan().select("3", Optional.empty()))).containsExactly("a", "b");
    }

    @Test
    void select_ordersByDependenciesWithTiesByPath() throws IOException {
        issue("docs/issues/1-api.md", "milestone: M1\ndepends_on: [schema]");
        issue("docs/issues/2-ui.md", "milestone: M1\ndepends_on: 1-api, docs");
        issue("docs/issues/3-docs.md", "id: docs\nmilestone: M1");
        issue("docs/issues/9-schema.md", "id: schema\nmilestone: M1");
        issue("docs/issues/0-cleanup.md", "milestone: M1");

        assertThat(ids(scan().select("M1", Optional.empty())))
                .containsExactly("0-cleanup", "docs", "schema", "1-api", "2-ui");
    }

    @Test
    void select_dependencyCycle_isAnErrorNamingTheCycle() throws IOException {
        issue("docs/issues/a.md", "milestone: M1\ndepends_on: [c]");
        issue("docs/issues/b.md", "milestone: M1\ndepends_on: [a]");
        issue("docs/issues/c.md", "milestone: M1\ndepends_on: [b]");
        issue("docs/issues/d.md", "milestone: M1");

        assertThatThrownBy(() -> scan().select("M1", Optional.empty()))
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("cycle: a (docs/issues/a.md) → c (docs/issues/c.md) → b (docs/issues/b.md) → a "
                        + "(docs/issues/a.md)")
                .hasMessageNotContaining("d (");
    }

    @Test
    void select_selfDependency_isACycle() throws IOException {
        issue("docs/issues/a.md", "milestone: M1\ndepends_on: a");

        assertThatThrownBy(() -> scan().select("M1", Optional.empty()))
                .hasMessageContaining("cycle: a (docs/issues/a.md) → a (docs/issues/a.md)");
    }

    @Test
    void select_dependencyOnAnIdNoDocumentHas_isAnError() throws IOException {
        issue("docs/issues/a.md", "milestone: M1\ndepends_on: [ghost]");

        assertThatThrownBy(() -> scan().select("M1", Optional.empty()))
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("a (docs/issues/a.md) depends on ghost, which no issue document has")
                .hasMessageContaining("depends_on");
    }

    @Test
    void select_dependencyOutsideTheMilestone_isANoteAndDoesNotHoldTheOrder() throws IOException {
        issue("docs/issues/a.md", "milestone: M2\ndepends_on: [z]");
        issue("docs/issues/z.md", "milestone: M1");
        issue("docs/issues/b.md", "milestone: M2");

        Selection selection = scan().select("M2", Optional.empty());

        assertThat(ids(selection)).containsExactly("a", "b");
        assertThat(selection.notes())
                .containsExactly("a depends on z (milestone M1), outside milestone M2; it is assumed done.");
    }

    @Test
    void select_oneIssue_keepsOnlyItAndNotesItsLeftOutDependencies() throws IOException {
        issue("docs/issues/a.md", "milestone: M1");
        issue("docs/issues/b.md", "milestone: M1\ndepends_on: [a]");
        issue("docs/issues/c.md", "milestone: M1");

        Selection selection = scan().select("M1", Optional.of("b"));

        assertThat(ids(selection)).containsExactly("b");
        assertThat(selection.notes())
                .containsExactly("b depends on a, which this run leaves out (--issue); it is assumed done.");
    }

    @Test
    void select_issueNotInTheMilestone_listsTheMilestonesIssues() throws IOException {
        issue("docs/issues/a.md", "milestone: M1");
        issue("docs/issues/b.md", "milestone: M1\ndepends_on: [a]");
        issue("docs/issues/x.md", "milestone: M2");

        assertThatThrownBy(() -> scan().select("M1", Optional.of("x")))
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("issue x is not in milestone M1. Its issues are: a, b.");
    }

    @Test
    void select_emptyMilestone_listsTheMilestonesThatExist() throws IOException {
        issue("docs/issues/a.md", "milestone: M1");
        issue("docs/issues/b.md", "milestone: M2");
        issue("docs/issues/c.md", "milestone: M2");

        assertThatThrownBy(() -> scan().select("M3", Optional.empty()))
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("no issue in milestone M3: none of the 3 issue documents has milestone: M3")
                .hasMessageContaining("The milestones that exist: M1 (1 issue), M2 (2 issues)");
    }

    @Test
    void select_noDocumentsAtAll_saysTheGlobsMatchedNothing() throws IOException {
        write("docs/issues/notes.md", "# no front matter\n");

        assertThatThrownBy(() -> scan().select("M1", Optional.empty()))
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining(
                        "1 file(s) match issue_globs [docs/issues/**/*.md] but none has YAML front " + "matter");
    }

    @Test
    void variants_letADoubleStarFolderMatchNoFolder() {
        assertThat(IssueDocs.variants("docs/**/*.md")).containsExactly("docs/**/*.md", "docs/*.md");
        assertThat(IssueDocs.variants("**/*.md")).containsExactly("**/*.md", "*.md");
        assertThat(IssueDocs.variants("docs/*.md")).containsExactly("docs/*.md");
        assertThat(IssueDocs.variants("a/**/b/**/*.md"))
                .containsExactlyInAnyOrder("a/**/b/**/*.md", "a/b/**/*.md", "a/**/b/*.md", "a/b/*.md");
    }
}
