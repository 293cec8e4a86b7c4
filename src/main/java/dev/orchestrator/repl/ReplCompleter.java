package dev.orchestrator.repl;

import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectRepository;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/** Tab completion: slash commands, then project ids and names for commands that take a project. */
final class ReplCompleter implements Completer {
    private static final int MAX_PROJECTS = 500;

    private final Commands commands;
    private final ProjectRepository projects;

    ReplCompleter(Commands commands, ProjectRepository projects) {
        this.commands = commands;
        this.projects = projects;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words();
        if (line.wordIndex() == 0) {
            if (line.word().startsWith("/")) {
                for (Command command : commands.all()) {
                    Command.Spec spec = command.spec();
                    candidates.add(new Candidate(
                            "/" + spec.name(), "/" + spec.name(), null, spec.summary(), null, null, true));
                }
            }
            return;
        }
        if (line.wordIndex() == 1 && words.getFirst().startsWith("/")) {
            commands.find(words.getFirst().substring(1))
                    .filter(command -> command.spec().takesProject())
                    .ifPresent(command -> addProjects(candidates));
        } else if (words.getFirst().startsWith("/")) {
            commands.find(words.getFirst().substring(1))
                    .ifPresent(command -> command.completions(line.wordIndex() - 1)
                            .forEach(word -> candidates.add(new Candidate(word, word, null, null, null, null, true))));
        }
    }

    private void addProjects(List<Candidate> candidates) {
        for (Project project : projects.recent(MAX_PROJECTS)) {
            String description = project.name();
            candidates.add(new Candidate(
                    project.id().toString(), project.id().toString(), null, description, null, null, true));
            candidates.add(
                    new Candidate(project.slug(), project.slug(), null, "project " + project.id(), null, null, true));
        }
    }
}
