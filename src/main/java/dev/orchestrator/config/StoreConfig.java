package dev.orchestrator.config;

/** How the database writes ({@code store}). */
public record StoreConfig(Synchronous synchronous) {
    public StoreConfig {
        InvalidSetting.requirePresent("synchronous", synchronous);
    }

    /** How hard each commit pushes to the disk. */
    public enum Synchronous {
        /** A commit survives power loss. */
        @com.fasterxml.jackson.annotation.JsonProperty("full")
        FULL,
        /** A commit survives the process being killed, not necessarily power loss; faster. */
        @com.fasterxml.jackson.annotation.JsonProperty("normal")
        NORMAL
    }
}
