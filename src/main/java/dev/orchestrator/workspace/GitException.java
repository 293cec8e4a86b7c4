package dev.orchestrator.workspace;

import java.util.List;

/** A git command failed, or could not be run. The message names the command, the folder and git's own words. */
public final class GitException extends WorkspaceException {
    private final List<String> command;
    private final String stderr;

    public GitException(String message, List<String> command, String stderr) {
        super(message);
        this.command = List.copyOf(command);
        this.stderr = stderr;
    }

    public GitException(String message, List<String> command, Throwable cause) {
        super(message, cause);
        this.command = List.copyOf(command);
        this.stderr = "";
    }

    /** The git arguments that failed, without the identity options added to every command: {@code [reset, --hard, abc]}. */
    public List<String> command() {
        return command;
    }

    /** What git wrote to standard error (empty when it could not be run). */
    public String stderr() {
        return stderr;
    }
}
