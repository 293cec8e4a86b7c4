package dev.orchestrator.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** Valid example documents of every contract (src/test/resources/contract-examples), and answers around them. */
final class Examples {
    /** One validator for all tests: it is immutable and built once in production too. */
    static final ContractValidator VALIDATOR = ContractValidator.load();

    private Examples() {}

    /** A fresh, modifiable copy of the contract's example document. */
    static ObjectNode document(Contract contract) {
        return ContractJson.MAPPER.readTree(text(contract)).asObject();
    }

    /** The example document's text as written. */
    static String text(Contract contract) {
        String resource = "/contract-examples/" + contract.id() + ".json";
        try (InputStream in = Examples.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An answer the way agents write one: prose, then the fenced json block. */
    static String reply(Object document) {
        String json = document instanceof String text ? text : ContractJson.MAPPER.writeValueAsString(document);
        return "I read the task and wrote the document.\n\n```json\n" + json + "\n```\n";
    }

    /** Validates an answer holding the document and returns its problems, or an empty list when valid. */
    static List<String> problems(Contract contract, Object document) {
        return switch (VALIDATOR.validate(contract, reply(document))) {
            case Validation.Valid valid -> List.of();
            case Validation.Invalid invalid -> invalid.problems();
        };
    }
}
