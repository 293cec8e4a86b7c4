package dev.orchestrator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.contract.Architecture;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.ContractValidator;
import dev.orchestrator.contract.Question;
import dev.orchestrator.contract.Requirements;
import dev.orchestrator.contract.Validation;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The deterministic merge that replaces a failed aggregator. */
class SwarmMergeTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ContractValidator VALIDATOR = ContractValidator.load();

    private static JsonNode requirements(String name, String features, String constraints, String questions) {
        return JSON.readTree("""
                {"contract": "requirements.v1", "name": "%s", "summary": "Summary of %s.",
                 "features": [%s], "constraints": [%s], "questions": [%s]}
                """.formatted(name, name, features, constraints, questions));
    }

    private static String feature(String id, String title, String priority) {
        return """
                {"id": "%s", "title": "%s", "description": "%s works.", "priority": "%s"}""".formatted(id, title, title, priority);
    }

    private static String question(String id, String text) {
        return """
                {"id": "%s", "question": "%s", "options": ["yes", "no"]}""".formatted(id, text);
    }

    private static JsonNode architecture(String language, String questions) {
        return JSON.readTree("""
                {"contract": "architecture.v1", "summary": "%s design.",
                 "stack": {"language": "%s", "frameworks": [], "storage": "none"},
                 "components": [{"name": "app", "responsibility": "Everything.", "paths": ["src/"]}],
                 "commands": {"setup": "", "build": "", "test": "make test", "run": ""},
                 "questions": [%s]}
                """.formatted(language, language, questions));
    }

    private static void assertValid(Contract contract, JsonNode document) {
        assertThat(VALIDATOR.validateDocument(contract, document))
                .as(document.toString())
                .isInstanceOf(Validation.Valid.class);
    }

    @Test
    void requirements_featuresAreUnitedByNormalisedTitleKeepingTheHighestPriority() {
        JsonNode merged = SwarmMerge.merge(
                Contract.REQUIREMENTS,
                List.of(
                        requirements(
                                "Photos",
                                feature("F1", "Rename by date", "could") + "," + feature("F2", "Undo", "should"),
                                "",
                                ""),
                        requirements(
                                "Other",
                                feature("F1", "  rename BY-date. ", "must") + "," + feature("F2", "Dry run", "could"),
                                "",
                                ""),
                        requirements("Third", feature("F7", "Undo!", "could"), "", "")));

        Requirements requirements = Requirements.from(merged);
        assertThat(requirements.features())
                .extracting(f -> f.id() + " " + f.title() + " " + f.priority())
                .containsExactly("F1 Rename by date must", "F2 Undo should", "F3 Dry run could");
        assertThat(requirements.name()).isEqualTo("Photos");
        assertThat(requirements.summary()).isEqualTo("Summary of Photos.");
        assertValid(Contract.REQUIREMENTS, merged);
    }

    @Test
    void requirements_questionsAndConstraintsAreDeduplicatedAndIdsRenumbered() {
        JsonNode merged = SwarmMerge.merge(
                Contract.REQUIREMENTS,
                List.of(
                        requirements(
                                "Photos",
                                feature("F1", "Rename", "must"),
                                "\"Runs offline\"",
                                question("Q1", "Keep the originals?") + "," + question("Q2", "Which formats?")),
                        requirements(
                                "Other",
                                feature("F1", "Rename", "must"),
                                "\"runs offline.\", \"Linux only\"",
                                question("Q1", "keep the ORIGINALS") + "," + question("Q9", "Max file size?"))));

        Requirements requirements = Requirements.from(merged);
        assertThat(requirements.questions())
                .extracting(q -> q.id() + " " + q.question())
                .containsExactly("Q1 Keep the originals?", "Q2 Which formats?", "Q3 Max file size?");
        assertThat(requirements.constraints()).containsExactly("Runs offline", "Linux only");
        assertThat(requirements.features()).hasSize(1);
        assertValid(Contract.REQUIREMENTS, merged);
    }

    @Test
    void requirements_theSameDocumentsInTheSameOrderAlwaysMergeTheSame() {
        List<JsonNode> documents = List.of(
                requirements("A", feature("F1", "One", "should"), "", ""),
                requirements("B", feature("F1", "Two", "must") + "," + feature("F2", "one", "must"), "", ""));

        assertThat(SwarmMerge.merge(Contract.REQUIREMENTS, documents))
                .isEqualTo(SwarmMerge.merge(Contract.REQUIREMENTS, documents));
        // the inputs are left as they were
        assertThat(documents.getFirst().path("features").get(0).path("priority").asString())
                .isEqualTo("should");
    }

    @Test
    void architecture_isTheFirstDocumentWithEveryMembersQuestionsOnce() {
        JsonNode merged = SwarmMerge.merge(
                Contract.ARCHITECTURE,
                List.of(
                        architecture("Python 3.12", question("Q1", "Web or CLI?")),
                        architecture("Go 1.23", question("Q1", "web or cli") + "," + question("Q2", "Which OS?"))));

        Architecture architecture = Architecture.from(merged);
        assertThat(architecture.stack().language()).isEqualTo("Python 3.12");
        assertThat(architecture.questions()).extracting(Question::question).containsExactly("Web or CLI?", "Which OS?");
        assertValid(Contract.ARCHITECTURE, merged);
    }

    @Test
    void workPlan_isTheFirstDocumentAsItIs() {
        JsonNode first = JSON.readTree("""
                {"contract": "work_plan.v1", "items": [
                  {"key": "W1", "title": "A", "description": "a", "acceptance": ["a"], "depends_on": [], "priority": 1}]}
                """);
        JsonNode second = JSON.readTree("""
                {"contract": "work_plan.v1", "items": [
                  {"key": "W1", "title": "B", "description": "b", "acceptance": ["b"], "depends_on": [], "priority": 1},
                  {"key": "W2", "title": "C", "description": "c", "acceptance": ["c"], "depends_on": ["W1"], "priority": 2}]}
                """);

        JsonNode merged = SwarmMerge.merge(Contract.WORK_PLAN, List.of(first, second));

        assertThat(merged).isEqualTo(first);
        assertValid(Contract.WORK_PLAN, merged);
    }

    @Test
    void normalised_lowerCasesAndCollapsesWhitespaceAndPunctuation() {
        assertThat(SwarmMerge.normalised("  Add\titems -- NOW! ")).isEqualTo("add items now");
        assertThat(SwarmMerge.normalised("Café, crème")).isEqualTo("café crème");
        assertThat(SwarmMerge.normalised("Export to C++")).isNotEqualTo(SwarmMerge.normalised("Export to C#"));
        assertThat(SwarmMerge.normalised("Price in €")).isNotEqualTo(SwarmMerge.normalised("Price in $"));
    }

    @Test
    void focus_cyclesThroughTheThreeFocusesInOrder() {
        assertThat(List.of(1, 2, 3, 4, 5, 8).stream().map(SwarmFocus::of).toList())
                .containsExactly(
                        SwarmFocus.USERS,
                        SwarmFocus.FEASIBILITY,
                        SwarmFocus.RISKS,
                        SwarmFocus.USERS,
                        SwarmFocus.FEASIBILITY,
                        SwarmFocus.FEASIBILITY);
    }
}
