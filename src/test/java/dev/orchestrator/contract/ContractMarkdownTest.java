package dev.orchestrator.contract;

import static dev.orchestrator.contract.Examples.document;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class ContractMarkdownTest {

    @Test
    void requirements_groupFeaturesByPriorityAndSeparateOpenQuestionsFromDecisions() {
        List<Answer> answers = List.of(new Answer("Q1", "Which database should store the recipes?", "SQLite", true));

        assertThat(ContractMarkdown.render(Contract.REQUIREMENTS, document(Contract.REQUIREMENTS), answers))
                .isEqualTo("""
                        # Recipe Box

                        A small web app where a household keeps its recipes and finds them by ingredient.

                        ## Features

                        ### Must have

                        - **F1** Add recipes: A user adds a recipe with a title, ingredients and steps.
                        - **F2** Search by ingredient: Typing "egg" lists only recipes with eggs.

                        ### Should have

                        - **F4** Share a recipe: A read-only link anyone can open.

                        ### Could have

                        - **F3** Import from a URL: Paste a link to a recipe page and get a draft recipe.

                        ## Constraints

                        - Runs on a single Linux server.
                        - No third-party accounts.

                        ## Open questions

                        - **Q2** What should the app be called in its title bar?
                          Free-text answer.

                        ## Decisions

                        - **Q1** Which database should store the recipes?
                          **Answer:** SQLite (assumed)
                        """);
    }

    @Test
    void requirements_withEveryQuestionAnsweredAndNoConstraints_omitEmptySections() {
        ObjectNode requirements = document(Contract.REQUIREMENTS);
        requirements.putArray("constraints");
        requirements.put("name", "");
        List<Answer> answers = List.of(
                new Answer("Q1", "Which database should store the recipes?", "PostgreSQL", false),
                new Answer("Q2", "What should the app be called in its title bar?", "Recipes", false));

        String markdown = ContractMarkdown.render(Contract.REQUIREMENTS, requirements, answers);

        assertThat(markdown)
                .startsWith("# Requirements\n\n")
                .doesNotContain("## Constraints", "## Open questions", "(assumed)")
                .endsWith("""
                        ## Decisions

                        - **Q1** Which database should store the recipes?
                          **Answer:** PostgreSQL
                        - **Q2** What should the app be called in its title bar?
                          **Answer:** Recipes
                        """);
    }

    @Test
    void architecture_rendersStackComponentsTableAndCommands() {
        ObjectNode architecture = document(Contract.ARCHITECTURE);
        architecture.at("/components/0").asObject().put("responsibility", "HTTP | JSON endpoints;\nno SQL here.");
        architecture.at("/commands").asObject().put("test", "pytest -q | tee test.log");
        architecture
                .putArray("questions")
                .addObject()
                .put("id", "Q1")
                .put("question", "Host?")
                .putArray("options")
                .add("Fly.io")
                .add("A VPS");

        assertThat(ContractMarkdown.render(Contract.ARCHITECTURE, architecture, List.of()))
                .isEqualTo("""
                        # Architecture

                        A FastAPI service serving a small HTML front end, with SQLite for storage.

                        ## Stack

                        - **Language:** Python 3.12
                        - **Frameworks:** FastAPI, SQLAlchemy
                        - **Storage:** SQLite file in ./data

                        ## Components

                        | Component | Responsibility | Paths |
                        | --- | --- | --- |
                        | api | HTTP \\| JSON endpoints;<br>no SQL here. | `app/api/` |
                        | store | Recipes in SQLite. | `app/store/`, `migrations/` |

                        ## Commands

                        | Step | Command |
                        | --- | --- |
                        | Setup | `pip install -r requirements.txt` |
                        | Build | (none) |
                        | Test | `pytest -q \\| tee test.log` |
                        | Run | `uvicorn app.main:app` |

                        ## Open questions

                        - **Q1** Host?
                          Options: Fly.io; A VPS
                        """);
    }

    @Test
    void workPlan_listsItemsInBuildOrderWithAcceptanceChecklists() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        ArrayNode items = plan.putArray("items");
        items.addObject()
                .put("key", "W2")
                .put("title", "Search")
                .put("description", "Add the endpoint.\r\n\r\nUse SQL LIKE.")
                .put("priority", 2)
                .set("depends_on", ContractJson.MAPPER.createArrayNode().add("W1"));
        items.addObject()
                .put("key", "W1")
                .put("title", "Skeleton")
                .put("description", "")
                .put("priority", 1)
                .putArray("depends_on");
        items.get(0).asObject().putArray("acceptance").add("finds \"egg\"").add("multi-line\ncriterion");
        items.get(1).asObject().putArray("acceptance");

        assertThat(ContractMarkdown.render(Contract.WORK_PLAN, plan, List.of())).isEqualTo("""
                        # Work plan

                        2 items, in build order: each comes after the items it depends on.

                        ## W1: Skeleton

                        - **Priority:** 1
                        - **Depends on:** none

                        ## W2: Search

                        - **Priority:** 2
                        - **Depends on:** W1

                        Add the endpoint.

                        Use SQL LIKE.

                        **Acceptance**

                        - [ ] finds "egg"
                        - [ ] multi-line
                              criterion
                        """);
    }

    @Test
    void devResult_showsFilesAndBlocker() {
        ObjectNode result = document(Contract.DEV_RESULT);
        result.put("status", "blocked").put("blocker", "No API key for the payment provider.");
        result.putArray("files");

        assertThat(ContractMarkdown.render(Contract.DEV_RESULT, result, List.of()))
                .isEqualTo("""
                        # Development result: blocked

                        Added the recipe model and its migration.

                        ## Blocker

                        No API key for the payment provider.
                        """);
        assertThat(ContractMarkdown.render(Contract.DEV_RESULT, document(Contract.DEV_RESULT)))
                .isEqualTo("""
                        # Development result: done

                        Added the recipe model and its migration.

                        ## Files

                        - `app/store/models.py`
                        - `migrations/001_recipes.sql`
                        """);
    }

    @Test
    void review_listsFindingsWithSeverityAndPathLine() {
        assertThat(ContractMarkdown.render(Contract.REVIEW, document(Contract.REVIEW), List.of()))
                .isEqualTo("""
                        # Review: fail

                        Search works but ignores case.

                        ## Findings

                        - **major** `app/api/search.py:14`: Compare lower-cased names.
                        - **minor** `README.md`: Document the q parameter.
                        """);

        ObjectNode passed = document(Contract.REVIEW);
        passed.put("status", "pass").putArray("findings");
        assertThat(ContractMarkdown.render(Contract.REVIEW, passed)).endsWith("## Findings\n\nNo findings.\n");
    }

    @Test
    void deploy_showsUrlOnlyWhenThereIsOne() {
        assertThat(ContractMarkdown.render(Contract.DEPLOY, document(Contract.DEPLOY), List.of()))
                .isEqualTo("""
                        # Deployment: deployed

                        **URL:** https://recipes.example.com

                        Deployed with docker compose on the server.
                        """);

        ObjectNode skipped = document(Contract.DEPLOY);
        skipped.put("status", "skipped").putNull("url").put("notes", "No target configured.");
        assertThat(ContractMarkdown.render(Contract.DEPLOY, skipped))
                .isEqualTo("# Deployment: skipped\n\nNo target configured.\n");
    }

    @ParameterizedTest
    @EnumSource(Contract.class)
    void everyContract_getsDecisionsWhenThereAreAnswers(Contract contract) {
        List<Answer> answers = List.of(new Answer("Q9", "Deploy on Fridays?", "No", false));

        assertThat(ContractMarkdown.render(contract, document(contract), answers))
                .endsWith("\n\n## Decisions\n\n- **Q9** Deploy on Fridays?\n  **Answer:** No\n");
        assertThat(ContractMarkdown.render(contract, document(contract))).doesNotContain("## Decisions");
    }

    @ParameterizedTest
    @EnumSource(Contract.class)
    void rendering_isDeterministicAndUnixLined(Contract contract) {
        String first = ContractMarkdown.render(contract, document(contract), List.of());
        String second = ContractMarkdown.render(contract, document(contract), List.of());

        assertThat(first).isEqualTo(second).doesNotContain("\r").endsWith("\n").doesNotEndWith("\n\n");
        assertThat(first.lines()).noneMatch(line -> line.endsWith(" "));
    }

    @Test
    void cells_escapePipesAndCodeSpansSurviveBackticks() {
        assertThat(MarkdownWriter.cell("a | b\r\nc")).isEqualTo("a \\| b<br>c");
        assertThat(MarkdownWriter.code("a `b` c")).isEqualTo("``a `b` c``");
        assertThat(MarkdownWriter.code("echo `date`")).isEqualTo("`` echo `date` ``");
        assertThat(MarkdownWriter.code("`x`")).isEqualTo("`` `x` ``");
    }
}
