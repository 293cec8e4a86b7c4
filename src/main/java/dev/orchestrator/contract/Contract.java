package dev.orchestrator.contract;

import java.util.Arrays;
import java.util.Optional;

/**
 * The JSON documents agents answer with. The ids are the product's public interface for custom
 * agents: they never change meaning; a new shape gets a new version.
 */
public enum Contract {
    REQUIREMENTS("requirements.v1"),
    ARCHITECTURE("architecture.v1"),
    WORK_PLAN("work_plan.v1"),
    DEV_RESULT("dev_result.v1"),
    REVIEW("review.v1"),
    DEPLOY("deploy.v1");

    private final String id;

    Contract(String id) {
        this.id = id;
    }

    /** {@code requirements.v1}. */
    public String id() {
        return id;
    }

    /** The classpath resource holding this contract's JSON Schema. */
    public String schemaResource() {
        return "contracts/" + id + ".schema.json";
    }

    /** The contract with this id, e.g. {@code work_plan.v1}. */
    public static Optional<Contract> fromId(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
