package dev.orchestrator.agent.claude;

import dev.orchestrator.agent.AgentListener;
import dev.orchestrator.agent.Usage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps everything an agent reported, for assertions; safe to read from the test thread. */
final class RecordingListener implements AgentListener {
    final List<String> activities = new CopyOnWriteArrayList<>();
    final List<String> sessions = new CopyOnWriteArrayList<>();
    final List<Usage> usages = new CopyOnWriteArrayList<>();

    @Override
    public void activity(String activity) {
        activities.add(activity);
    }

    @Override
    public void sessionId(String sessionId) {
        sessions.add(sessionId);
    }

    @Override
    public void usage(Usage soFar) {
        usages.add(soFar);
    }
}
