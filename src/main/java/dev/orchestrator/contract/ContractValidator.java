package dev.orchestrator.contract;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.orchestrator.contract.ReplyExtractor.Extraction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;

/**
 * Checks agents' answers against the contracts: finds the JSON, parses it, validates it against the
 * contract's schema, then runs the checks a schema cannot express. Built once with {@link #load()};
 * immutable afterwards and safe to share between threads.
 */
public final class ContractValidator {
    /** The most problems reported; the rest are counted in a last line. */
    static final int MAX_PROBLEMS = 20;

    private static final int MAX_PARSER_MESSAGE = 200;

    private final Map<Contract, Schema> schemas;
    private final Map<Contract, String> schemaTexts;

    private ContractValidator(Map<Contract, Schema> schemas, Map<Contract, String> schemaTexts) {
        this.schemas = Collections.unmodifiableMap(new EnumMap<>(schemas));
        this.schemaTexts = Collections.unmodifiableMap(new EnumMap<>(schemaTexts));
    }

    /**
     * Compiles the six contract schemas from the classpath.
     *
     * @throws IllegalStateException when a schema is missing or broken: the build is incomplete
     */
    public static ContractValidator load() {
        return load(ContractValidator.class.getClassLoader());
    }

    static ContractValidator load(ClassLoader classLoader) {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Map<Contract, Schema> schemas = new EnumMap<>(Contract.class);
        Map<Contract, String> texts = new EnumMap<>(Contract.class);
        for (Contract contract : Contract.values()) {
            String text = read(classLoader, contract);
            JsonNode node = parseSchema(contract, text);
            Schema schema = registry.getSchema(node);
            // Resolves every $ref now, so validation never loads anything and threads share a finished schema.
            schema.initializeValidators();
            schemas.put(contract, schema);
            texts.put(contract, text);
        }
        return new ContractValidator(schemas, texts);
    }

    /** Finds, parses and checks the {@code contract} document in an agent's answer. */
    public Validation validate(Contract contract, String reply) {
        Objects.requireNonNull(contract, "contract");
        return switch (ReplyExtractor.extract(reply)) {
            case Extraction.Missing missing ->
                new Validation.Invalid(List.of(missing.reason()
                        + ": end the answer with one fenced json block holding the " + contract.id() + " document"));
            case Extraction.Found found -> parseAndCheck(contract, found);
        };
    }

    /** Checks a document already parsed, e.g. one read back from storage. */
    public Validation validateDocument(Contract contract, JsonNode document) {
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(document, "document");
        if (!document.isObject()) {
            return invalid(List.of("$: must be an object (got " + ContractJson.kind(document) + ")"));
        }
        JsonNode declared = document.path("contract");
        if (declared.isString() && !declared.asString().equals(contract.id())) {
            return invalid(List.of("the document says contract " + ContractJson.describe(declared)
                    + "; this step needs \"" + contract.id() + "\""));
        }
        List<String> problems = SchemaProblems.of(schemas.get(contract).validate(document));
        if (problems.isEmpty()) {
            problems = SemanticChecks.problems(contract, document);
        }
        return problems.isEmpty() ? new Validation.Valid(document) : invalid(problems);
    }

    /** The contract's JSON Schema, pretty-printed, to show agents in prompts. */
    public String schemaText(Contract contract) {
        return schemaTexts.get(Objects.requireNonNull(contract, "contract"));
    }

    private Validation parseAndCheck(Contract contract, Extraction.Found found) {
        String where = found.source() == ReplyExtractor.Source.WHOLE_REPLY ? "the answer" : "the json block";
        if (found.json().isBlank()) {
            return invalid(List.of(where + " is empty: put the " + contract.id() + " document in it"));
        }
        JsonNode document;
        try {
            document = ContractJson.MAPPER.readTree(found.json());
        } catch (JacksonException e) {
            return invalid(List.of(where + " is not valid JSON: " + parserMessage(e)));
        }
        if (!document.isObject()) {
            return invalid(List.of(where + " holds " + ContractJson.kind(document)
                    + ", not an object: it must hold the " + contract.id() + " document"));
        }
        return validateDocument(contract, document);
    }

    /** Jackson's own words and where, without the source snippet or stack trace. */
    private static String parserMessage(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message.length() > MAX_PARSER_MESSAGE) {
            message = message.substring(0, MAX_PARSER_MESSAGE - 1) + "…";
        }
        TokenStreamLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            message += " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        }
        return message;
    }

    private static Validation.Invalid invalid(List<String> problems) {
        if (problems.size() <= MAX_PROBLEMS) {
            return new Validation.Invalid(problems);
        }
        List<String> shown = new ArrayList<>(problems.subList(0, MAX_PROBLEMS));
        shown.add("... and " + (problems.size() - MAX_PROBLEMS) + " more");
        return new Validation.Invalid(shown);
    }

    private static String read(ClassLoader classLoader, Contract contract) {
        String resource = contract.schemaResource();
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the " + contract.id() + " schema (" + resource
                        + ") is missing from the classpath; the build is incomplete, rebuild Orchestrator");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("\r\n", "\n")
                    .strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + contract.id() + " schema (" + resource + ")", e);
        }
    }

    private static JsonNode parseSchema(Contract contract, String text) {
        JsonNode node;
        try {
            node = ContractJson.MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalStateException(
                    "the " + contract.id() + " schema is not valid JSON: " + parserMessage(e), e);
        }
        String declared = node.path("properties").path("contract").path("const").asString();
        if (!declared.equals(contract.id())) {
            throw new IllegalStateException("the " + contract.id() + " schema requires contract \"" + declared
                    + "\"; it must require \"" + contract.id() + "\"");
        }
        return node;
    }
}
