package dev.orchestrator.agent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An {@link AgentListener} that keeps what it hears, for assertions. Thread-safe. */
public final class RecordingListener implements AgentListener {
    public final List<String> activity = Collections.synchronizedList(new ArrayList<>());
    public final List<String> sessionIds = Collections.synchronizedList(new ArrayList<>());
    public final List<Usage> usages = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void activity(String line) {
        activity.add(line);
    }

    @Override
    public void sessionId(String id) {
        sessionIds.add(id);
    }

    @Override
    public void usage(Usage soFar) {
        usages.add(soFar);
    }
}
