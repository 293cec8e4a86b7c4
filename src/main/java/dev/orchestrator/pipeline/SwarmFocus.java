package dev.orchestrator.pipeline;

/**
 * What a swarm member looks at first; members take the focuses in this order, cycling when the
 * swarm has more members than focuses. Each focus's brief is the prompt template {@link #template()}.
 */
public enum SwarmFocus {
    USERS("users and use cases", "swarm/users"),
    FEASIBILITY("technical feasibility and constraints", "swarm/feasibility"),
    RISKS("edge cases and risks", "swarm/risks");

    private final String title;
    private final String template;

    SwarmFocus(String title, String template) {
        this.title = title;
        this.template = template;
    }

    /** The focus of member {@code member}, counting from 1. */
    public static SwarmFocus of(int member) {
        if (member < 1) {
            throw new IllegalArgumentException("swarm members count from 1, not " + member);
        }
        return values()[(member - 1) % values().length];
    }

    /** How people read it: {@code users and use cases}. */
    public String title() {
        return title;
    }

    String template() {
        return template;
    }
}
