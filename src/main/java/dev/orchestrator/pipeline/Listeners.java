package dev.orchestrator.pipeline;

import dev.orchestrator.project.ProjectId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes what pipelines do to every listener added (the REPL, a command-line run) and to the log.
 * Thread-safe: pipeline threads call it while listeners come and go.
 */
public final class Listeners implements PipelineListener {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final List<PipelineListener> listeners = new CopyOnWriteArrayList<>();

    public void add(PipelineListener listener) {
        listeners.add(listener);
    }

    public void remove(PipelineListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void progress(ProjectId project, String line) {
        log.info("project {}: {}", project, line);
        for (PipelineListener listener : listeners) {
            listener.progress(project, line);
        }
    }

    @Override
    public void waiting(ProjectId project, String what) {
        log.info("project {} waits for {}", project, what);
        for (PipelineListener listener : listeners) {
            listener.waiting(project, what);
        }
    }

    @Override
    public void finished(ProjectId project, RunOutcome outcome, String detail) {
        log.info("project {} run ended: {} {}", project, outcome, detail);
        for (PipelineListener listener : listeners) {
            listener.finished(project, outcome, detail);
        }
    }
}
