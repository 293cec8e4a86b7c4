package dev.orchestrator.contract;

import static dev.orchestrator.contract.Examples.document;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class ContractRecordsTest {

    @Test
    void requirements_readEveryField() {
        Requirements requirements = Requirements.from(document(Contract.REQUIREMENTS));

        assertThat(requirements.name()).isEqualTo("Recipe Box");
        assertThat(requirements.features())
                .hasSize(4)
                .first()
                .isEqualTo(new Feature(
                        "F1",
                        "Add recipes",
                        "A user adds a recipe with a title, ingredients and steps.",
                        Feature.Priority.MUST));
        assertThat(requirements.features()).extracting(Feature::priority).contains(Feature.Priority.COULD);
        assertThat(requirements.constraints())
                .containsExactly("Runs on a single Linux server.", "No third-party accounts.");
        assertThat(requirements.questions())
                .containsExactly(
                        new Question("Q1", "Which database should store the recipes?", List.of("SQLite", "PostgreSQL")),
                        new Question("Q2", "What should the app be called in its title bar?", List.of()));
    }

    @Test
    void architecture_readsStackComponentsAndCommands() {
        Architecture architecture = Architecture.from(document(Contract.ARCHITECTURE));

        assertThat(architecture.stack())
                .isEqualTo(new Stack("Python 3.12", List.of("FastAPI", "SQLAlchemy"), "SQLite file in ./data"));
        assertThat(architecture.components())
                .containsExactly(
                        new Component("api", "HTTP endpoints; no SQL here.", List.of("app/api/")),
                        new Component("store", "Recipes in SQLite.", List.of("app/store/", "migrations/")));
        assertThat(architecture.commands())
                .isEqualTo(new Commands("pip install -r requirements.txt", "", "pytest -q", "uvicorn app.main:app"));
        assertThat(architecture.questions()).isEmpty();
    }

    @Test
    void workPlan_readsItemsInWrittenOrder() {
        WorkPlan plan = WorkPlan.from(document(Contract.WORK_PLAN));

        assertThat(plan.items()).extracting(PlanItem::key).containsExactly("W1", "W2", "W3");
        assertThat(plan.item("W3"))
                .contains(new PlanItem(
                        "W3",
                        "Search by ingredient",
                        "GET /recipes?q=",
                        List.of("GET /recipes?q=egg returns only recipes with eggs"),
                        List.of("W2"),
                        2));
        assertThat(plan.item("W9")).isEmpty();
    }

    @Test
    void devResult_mapsNullBlockerToEmpty() {
        DevResult done = DevResult.from(document(Contract.DEV_RESULT));
        ObjectNode blockedDocument = document(Contract.DEV_RESULT);
        blockedDocument.put("status", "blocked").put("blocker", "No API key.");

        assertThat(done)
                .isEqualTo(new DevResult(
                        DevResult.Status.DONE,
                        "Added the recipe model and its migration.",
                        List.of("app/store/models.py", "migrations/001_recipes.sql"),
                        Optional.empty()));
        assertThat(DevResult.from(blockedDocument).blocker()).contains("No API key.");
        assertThat(DevResult.from(blockedDocument).status()).isEqualTo(DevResult.Status.BLOCKED);
    }

    @Test
    void review_readsFindingsWithOptionalLines() {
        Review review = Review.from(document(Contract.REVIEW));

        assertThat(review.status()).isEqualTo(Review.Status.FAIL);
        assertThat(review.findings())
                .containsExactly(
                        new Finding(
                                Finding.Severity.MAJOR,
                                "app/api/search.py",
                                OptionalInt.of(14),
                                "Compare lower-cased names."),
                        new Finding(
                                Finding.Severity.MINOR, "README.md", OptionalInt.empty(), "Document the q parameter."));
    }

    @Test
    void deployResult_mapsNullUrlToEmpty() {
        ObjectNode skipped = document(Contract.DEPLOY);
        skipped.put("status", "skipped").putNull("url");

        assertThat(DeployResult.from(document(Contract.DEPLOY)).url()).contains("https://recipes.example.com");
        assertThat(DeployResult.from(skipped))
                .isEqualTo(new DeployResult(
                        DeployResult.Status.SKIPPED, Optional.empty(), "Deployed with docker compose on the server."));
    }

    @Test
    void unknownFields_areIgnored() {
        ObjectNode review = document(Contract.REVIEW);
        review.put("reviewer", "bot").at("/findings/0").asObject().put("rule", "S123");

        assertThat(Review.from(review)).isEqualTo(Review.from(document(Contract.REVIEW)));
    }

    @Test
    void enumConstants_printAsTheyAreWritten() {
        assertThat(List.of(
                        Feature.Priority.SHOULD,
                        DevResult.Status.BLOCKED,
                        Review.Status.PASS,
                        Finding.Severity.BLOCKER,
                        DeployResult.Status.FAILED))
                .extracting(Object::toString)
                .containsExactly("should", "blocked", "pass", "blocker", "failed");
    }

    @Test
    void records_areImmutable() {
        Requirements requirements = Requirements.from(document(Contract.REQUIREMENTS));

        assertThatThrownBy(() -> requirements.features().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> requirements.questions().getFirst().options().add("MySQL"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void documentThatWasNotValidated_failsLoudly() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        plan.at("/items/0").asObject().remove("title");

        assertThatThrownBy(() -> WorkPlan.from(plan)).hasMessageContaining("title");
    }

    @Test
    void contractIds_roundTrip() {
        for (Contract contract : Contract.values()) {
            assertThat(Contract.fromId(contract.id())).contains(contract);
            assertThat(contract.schemaResource()).isEqualTo("contracts/" + contract.id() + ".schema.json");
        }
        assertThat(Contract.fromId("work_plan.v2")).isEmpty();
    }
}
