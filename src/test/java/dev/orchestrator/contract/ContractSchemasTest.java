package dev.orchestrator.contract;

import static dev.orchestrator.contract.Examples.VALIDATOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

class ContractSchemasTest {
    private static final Schema META_SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));

    @ParameterizedTest
    @EnumSource(Contract.class)
    void schema_isAValidDraft202012Schema(Contract contract) {
        JsonNode schema = ContractJson.MAPPER.readTree(VALIDATOR.schemaText(contract));

        assertThat(META_SCHEMA.validate(schema)).isEmpty();
        assertThat(schema.path("$schema").asString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }

    @ParameterizedTest
    @EnumSource(Contract.class)
    void everyProperty_hasADescriptionForTheAgent(Contract contract) {
        JsonNode schema = ContractJson.MAPPER.readTree(VALIDATOR.schemaText(contract));
        List<String> undescribed = new ArrayList<>();
        collectUndescribed(schema, "$", undescribed);

        assertThat(schema.path("description").asString()).isNotBlank();
        assertThat(undescribed).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Contract.class)
    void everyTopLevelProperty_isRequired(Contract contract) {
        JsonNode schema = ContractJson.MAPPER.readTree(VALIDATOR.schemaText(contract));
        List<String> required =
                schema.path("required").valueStream().map(JsonNode::asString).toList();

        assertThat(required)
                .containsExactlyInAnyOrderElementsOf(schema.path("properties").propertyNames());
        assertThat(schema.has("additionalProperties")).isFalse();
    }

    private static void collectUndescribed(JsonNode schema, String path, List<String> undescribed) {
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            String location = path + "." + property.getKey();
            if (!property.getValue().has("description")) {
                undescribed.add(location);
            }
            collectUndescribed(property.getValue(), location, undescribed);
            collectUndescribed(property.getValue().path("items"), location + "[]", undescribed);
        }
        for (Map.Entry<String, JsonNode> definition : schema.path("$defs").properties()) {
            collectUndescribed(definition.getValue(), "$defs." + definition.getKey(), undescribed);
        }
    }
}
