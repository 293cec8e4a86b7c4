package dev.orchestrator.contract;

import static dev.orchestrator.contract.Examples.VALIDATOR;
import static dev.orchestrator.contract.Examples.document;
import static dev.orchestrator.contract.Examples.problems;
import static dev.orchestrator.contract.Examples.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ContractValidatorTest {

    @ParameterizedTest
    @EnumSource(Contract.class)
    void validExample_isValidAndKeepsTheDocument(Contract contract) {
        Validation validation = VALIDATOR.validate(contract, reply(Examples.text(contract)));

        assertThat(validation).isInstanceOf(Validation.Valid.class);
        assertThat(((Validation.Valid) validation).document()).isEqualTo(document(contract));
    }

    @Test
    void unknownProperties_areAccepted() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        plan.put("confidence", "high");
        plan.at("/items/0").asObject().put("estimate_hours", 3);
        ObjectNode requirements = document(Contract.REQUIREMENTS);
        requirements.at("/features/0").asObject().putObject("notes").put("any", true);

        assertThat(problems(Contract.WORK_PLAN, plan)).isEmpty();
        assertThat(problems(Contract.REQUIREMENTS, requirements)).isEmpty();
    }

    @Test
    void emptyQuestionsAndFreeTextOptions_areAccepted() {
        ObjectNode requirements = document(Contract.REQUIREMENTS);
        requirements.putArray("questions");
        ObjectNode architecture = document(Contract.ARCHITECTURE);
        architecture
                .putArray("questions")
                .addObject()
                .put("id", "Q1")
                .put("question", "Name?")
                .putArray("options");

        assertThat(problems(Contract.REQUIREMENTS, requirements)).isEmpty();
        assertThat(problems(Contract.ARCHITECTURE, architecture)).isEmpty();
    }

    @Test
    void missingField_namesTheObjectAndTheField() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        plan.at("/items/2").asObject().remove("acceptance");

        assertThat(problems(Contract.WORK_PLAN, plan))
                .containsExactly("$.items[2]: missing required field \"acceptance\"");
    }

    @Test
    void missingFields_eachGetTheirOwnProblem() {
        ObjectNode deploy = document(Contract.DEPLOY);
        deploy.remove(List.of("url", "notes"));

        assertThat(problems(Contract.DEPLOY, deploy))
                .containsExactly("$: missing required field \"url\"", "$: missing required field \"notes\"");
    }

    @Test
    void wrongEnumValue_listsTheAllowedValues() {
        ObjectNode requirements = document(Contract.REQUIREMENTS);
        requirements.at("/features/0").asObject().put("priority", "high");

        assertThat(problems(Contract.REQUIREMENTS, requirements))
                .containsExactly("$.features[0].priority: must be one of must, should, could (got \"high\")");
    }

    @Test
    void wrongType_namesTheExpectedTypeAndTheValue() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        plan.at("/items/1").asObject().put("priority", "2");
        plan.at("/items/2").asObject().put("acceptance", "it works");
        ObjectNode review = document(Contract.REVIEW);
        review.at("/findings/0").asObject().put("line", 1.5);
        review.at("/findings/1").asObject().putArray("message");

        assertThat(problems(Contract.WORK_PLAN, plan))
                .containsExactly(
                        "$.items[1].priority: must be an integer (got \"2\")",
                        "$.items[2].acceptance: must be an array (got \"it works\")");
        assertThat(problems(Contract.REVIEW, review))
                .containsExactly(
                        "$.findings[0].line: must be an integer or null (got 1.5)",
                        "$.findings[1].message: must be a string (got an array)");
    }

    @Test
    void priorityOutOfRange_saysTheBound() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        plan.at("/items/0").asObject().put("priority", 0);
        plan.at("/items/1").asObject().put("priority", 5);

        assertThat(problems(Contract.WORK_PLAN, plan))
                .containsExactly(
                        "$.items[0].priority: must be at least 1 (got 0)",
                        "$.items[1].priority: must be at most 4 (got 5)");
    }

    @Test
    void emptyListsAndIdentifiers_areRefusedWhereTheyMatter() {
        ObjectNode requirements = document(Contract.REQUIREMENTS);
        requirements.at("/features/1").asObject().put("id", "");
        requirements.at("/questions/0").asObject().put("id", "");
        ObjectNode plan = document(Contract.WORK_PLAN);
        plan.putArray("items");

        assertThat(problems(Contract.REQUIREMENTS, requirements))
                .containsExactly("$.features[1].id: must not be empty", "$.questions[0].id: must not be empty");
        assertThat(problems(Contract.WORK_PLAN, plan)).containsExactly("$.items: must have at least 1 entry (got 0)");
    }

    @Test
    void itemKey_mustBeUsableInBranchNames() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        plan.at("/items/0").asObject().put("key", "1st item");
        plan.at("/items/1").asObject().put("key", "");

        assertThat(problems(Contract.WORK_PLAN, plan))
                .containsExactly(
                        "$.items[0].key: must match ^[A-Za-z][A-Za-z0-9_.-]{0,39}$ (got \"1st item\")",
                        "$.items[1].key: must not be empty");
    }

    @Test
    void otherContractsDocument_isNamedAsSuch() {
        assertThat(problems(Contract.WORK_PLAN, document(Contract.REQUIREMENTS)))
                .containsExactly("the document says contract \"requirements.v1\"; this step needs \"work_plan.v1\"");
    }

    @Test
    void contractThatIsNotAString_failsTheConstant() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        plan.put("contract", 1);

        assertThat(problems(Contract.WORK_PLAN, plan)).containsExactly("$.contract: must be \"work_plan.v1\" (got 1)");
    }

    @Test
    void missingContract_isAMissingField() {
        ObjectNode result = document(Contract.DEV_RESULT);
        result.remove("contract");

        assertThat(problems(Contract.DEV_RESULT, result)).containsExactly("$: missing required field \"contract\"");
    }

    @Test
    void longStringValues_areShortenedInProblems() {
        ObjectNode result = document(Contract.DEV_RESULT);
        result.put("status", "x".repeat(500));

        assertThat(problems(Contract.DEV_RESULT, result))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("$.status: must be one of done, blocked (got \"xxx")
                .endsWith("x…\")")
                .hasSizeLessThan(120);
    }

    @Test
    void manyProblems_areCappedAtTwentyWithACount() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        var items = plan.putArray("items");
        IntStream.range(0, 25).forEach(i -> items.addObject().put("key", "W" + i));

        List<String> problems = problems(Contract.WORK_PLAN, plan);

        assertThat(problems).hasSize(21);
        assertThat(problems.getFirst()).isEqualTo("$.items[0]: missing required field \"title\"");
        assertThat(problems.getLast()).isEqualTo("... and " + (25 * 5 - 20) + " more");
    }

    @Test
    void unknownDependency_selfDependencyAndDuplicateKey_areSchemaLikeProblems() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        plan.at("/items/1/depends_on").asArray().add("W9");
        plan.at("/items/0/depends_on").asArray().add("W1");
        plan.at("/items/2").asObject().put("key", "W1");

        assertThat(problems(Contract.WORK_PLAN, plan))
                .containsExactly(
                        "$.items[2].key: duplicate key \"W1\" (also at $.items[0])",
                        "$.items[0].depends_on[0]: item \"W1\" depends on itself",
                        "$.items[1].depends_on[1]: \"W9\" is not the key of any item");
    }

    @Test
    void dependencyCycle_isNamedAsAPath() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        plan.at("/items/0/depends_on").asArray().add("W3");

        assertThat(problems(Contract.WORK_PLAN, plan))
                .containsExactly("$.items: dependency cycle: W1 -> W3 -> W2 -> W1");
    }

    @Test
    void semanticChecks_waitUntilTheSchemaPasses() {
        ObjectNode plan = document(Contract.WORK_PLAN);
        plan.at("/items/0/depends_on").asArray().add("W3");
        plan.at("/items/2").asObject().remove("title");

        assertThat(problems(Contract.WORK_PLAN, plan)).containsExactly("$.items[2]: missing required field \"title\"");
    }

    @Test
    void duplicateFeatureAndQuestionIds_areRefused() {
        ObjectNode requirements = document(Contract.REQUIREMENTS);
        requirements.at("/features/3").asObject().put("id", "F1");
        requirements.at("/questions/1").asObject().put("id", "Q1");

        assertThat(problems(Contract.REQUIREMENTS, requirements))
                .containsExactly(
                        "$.features[3].id: duplicate id \"F1\" (also at $.features[0])",
                        "$.questions[1].id: duplicate id \"Q1\" (also at $.questions[0])");
    }

    @Test
    void blockedResult_mustSayWhatBlocksIt() {
        ObjectNode result = document(Contract.DEV_RESULT);
        result.put("status", "blocked");

        assertThat(problems(Contract.DEV_RESULT, result))
                .containsExactly("$.blocker: must say what blocks the item when status is \"blocked\" (got null)");

        result.put("blocker", "The payment API needs a key I do not have.");
        assertThat(problems(Contract.DEV_RESULT, result)).isEmpty();
    }

    @Test
    void answerWithoutJson_asksForTheBlock() {
        Validation validation = VALIDATOR.validate(Contract.WORK_PLAN, "I have finished the plan.");

        assertThat(validation)
                .isEqualTo(new Validation.Invalid(List.of(
                        "the answer has no fenced json block: end the answer with one fenced json block holding the"
                                + " work_plan.v1 document")));
    }

    @Test
    void emptyAnswer_saysSo() {
        assertThat(VALIDATOR.validate(Contract.REVIEW, "  \n"))
                .isEqualTo(
                        new Validation.Invalid(
                                List.of(
                                        "the answer is empty: end the answer with one fenced json block holding the review.v1 document")));
    }

    @Test
    void unparseableBlock_quotesTheParserBrieflyWithLineAndColumn() {
        String reply = "Here it is:\n```json\n{\n  \"contract\": \"deploy.v1\",\n}\n```\n";

        Validation.Invalid invalid = (Validation.Invalid) VALIDATOR.validate(Contract.DEPLOY, reply);

        assertThat(invalid.problems())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("the json block is not valid JSON: Unexpected character ('}'")
                .endsWith("(line 3, column 1)")
                .doesNotContain("\n", "Here it is", "at [Source", "\tat ");
    }

    @Test
    void truncatedBlock_saysWhereTheInputEnded() {
        String reply = "```json\n{\"contract\": \"deploy.v1\", \"notes\": \"half";

        Validation.Invalid invalid = (Validation.Invalid) VALIDATOR.validate(Contract.DEPLOY, reply);

        assertThat(invalid.problems().getFirst())
                .isEqualTo(
                        "the json block is not valid JSON: Unexpected end-of-input: was expecting closing quote for a"
                                + " string value (line 1, column 41)");
    }

    @Test
    void trailingContentAfterTheDocument_isRefused() {
        Validation.Invalid invalid = (Validation.Invalid)
                VALIDATOR.validate(Contract.DEPLOY, reply(Examples.text(Contract.DEPLOY) + "\n{}"));

        assertThat(invalid.problems().getFirst()).startsWith("the json block is not valid JSON: ");
    }

    @Test
    void blockHoldingAnArrayOrNothing_isRefusedPlainly() {
        assertThat(VALIDATOR.validate(Contract.DEPLOY, "```json\n[1, 2]\n```"))
                .isEqualTo(new Validation.Invalid(
                        List.of("the json block holds an array, not an object: it must hold the deploy.v1 document")));
        assertThat(VALIDATOR.validate(Contract.DEPLOY, "```json\n\n```"))
                .isEqualTo(
                        new Validation.Invalid(List.of("the json block is empty: put the deploy.v1 document in it")));
    }

    @Test
    void wholeReplyJson_isValidatedToo() {
        String whole = "  " + Examples.text(Contract.REVIEW) + "\n";

        assertThat(VALIDATOR.validate(Contract.REVIEW, whole)).isInstanceOf(Validation.Valid.class);
        assertThat(VALIDATOR.validate(Contract.REVIEW, "{\"contract\": }"))
                .isInstanceOf(Validation.Invalid.class)
                .extracting(
                        v -> ((Validation.Invalid) v).problems().getFirst(),
                        org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("the answer is not valid JSON: ");
    }

    @Test
    void lastBlockWins_evenWhenAnEarlierOneIsValid() {
        ObjectNode draft = document(Contract.DEV_RESULT);
        ObjectNode last = document(Contract.DEV_RESULT);
        last.put("status", "finished");
        String answer = reply(draft) + "\nOn second thought:\n" + reply(last);

        assertThat(VALIDATOR.validate(Contract.DEV_RESULT, answer))
                .isEqualTo(
                        new Validation.Invalid(List.of("$.status: must be one of done, blocked (got \"finished\")")));
    }

    @Test
    void crlfAnswerWithProseAroundTheBlock_isValid() {
        String answer = ("Summary of my work.\n\n   ```JSON\n" + Examples.text(Contract.WORK_PLAN) + "```\n\nThanks!\n")
                .replace("\n", "\r\n");

        assertThat(VALIDATOR.validate(Contract.WORK_PLAN, answer)).isInstanceOf(Validation.Valid.class);
    }

    @Test
    void schemaText_isThePrettySchemaWithItsId() {
        for (Contract contract : Contract.values()) {
            String text = VALIDATOR.schemaText(contract);
            JsonNode schema = ContractJson.MAPPER.readTree(text);

            assertThat(schema.path("$id").asString()).endsWith("/contracts/" + contract.id() + ".schema.json");
            assertThat(schema.path("title").asString()).isEqualTo(contract.id());
            assertThat(schema.at("/properties/contract/const").asString()).isEqualTo(contract.id());
            assertThat(text.lines().count()).isGreaterThan(20);
            assertThat(text).doesNotContain("\r").doesNotEndWith("\n");
        }
    }

    @Test
    void load_failsLoudlyWhenASchemaIsMissing() {
        ClassLoader empty = new ClassLoader(null) {};

        assertThatThrownBy(() -> ContractValidator.load(empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the requirements.v1 schema (contracts/requirements.v1.schema.json) is missing from the"
                        + " classpath; the build is incomplete, rebuild Orchestrator");
    }

    @Test
    void validator_isSafeToShareBetweenThreads() {
        List<String> answers =
                List.of(reply(document(Contract.WORK_PLAN)), reply(document(Contract.REQUIREMENTS)), "no json here");

        List<Boolean> valid = IntStream.range(0, 600)
                .parallel()
                .mapToObj(i -> VALIDATOR.validate(Contract.WORK_PLAN, answers.get(i % 3)) instanceof Validation.Valid)
                .toList();

        assertThat(IntStream.range(0, 600).filter(i -> valid.get(i) != (i % 3 == 0)))
                .isEmpty();
    }
}
