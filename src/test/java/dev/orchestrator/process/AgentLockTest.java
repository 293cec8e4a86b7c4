package dev.orchestrator.process;

import static dev.orchestrator.process.Processes.sh;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentLockTest {
    private final ChildProcesses children = new ChildProcesses();

    @TempDir
    Path folder;

    @AfterEach
    void cleanUp() {
        children.killAll(Duration.ZERO);
    }

    private static AgentLock taken(AgentLock.Taking taking) {
        assertThat(taking).isInstanceOf(AgentLock.Taking.Taken.class);
        return ((AgentLock.Taking.Taken) taking).lock();
    }

    @Test
    void take_ofAFreeFolder_writesTheHolder_andCloseRemovesIt() {
        AgentLock lock = taken(AgentLock.take(folder, "t1", "W1 developer (call 3)"));

        assertThat(AgentLock.file(folder)).exists().content().contains("token=t1", "what=W1 developer (call 3)");
        lock.close();
        assertThat(AgentLock.file(folder)).doesNotExist();
    }

    @Test
    void aLiveAgentHoldsTheFolder_andSaysWhoItIs() throws Exception {
        Process agent = children.startAgent(new ProcessBuilder(sh("sleep 30")));
        AgentLock first = taken(AgentLock.take(folder, "t1", "W1 developer (call 3)"));
        first.started(AgentProcess.of(agent.toHandle(), "t1", folder.resolve("out")));

        AgentLock.Taking second = AgentLock.take(folder, "t2", "W1 fixer (call 4)");

        assertThat(second).isInstanceOf(AgentLock.Taking.Held.class);
        AgentLock.Holder holder = ((AgentLock.Taking.Held) second).holder();
        assertThat(holder.describe()).startsWith("W1 developer (call 3), pid " + agent.pid());
    }

    @Test
    void theLockOfAnAgentThatEnded_isStale_andTakenOver() throws Exception {
        Process agent = children.startAgent(new ProcessBuilder(sh("exit 0")));
        AgentLock first = taken(AgentLock.take(folder, "t1", "W1 developer"));
        first.started(AgentProcess.of(agent.toHandle(), "t1", folder.resolve("out")));
        agent.waitFor();
        Processes.awaitEnded(agent.pid());

        AgentLock next = taken(AgentLock.take(folder, "t2", "W1 fixer"));

        assertThat(AgentLock.file(folder)).content().contains("token=t2");
        first.close();
        assertThat(AgentLock.file(folder))
                .as("closing a lock taken over leaves the new holder's")
                .exists();
        next.close();
    }

    @Test
    void theSameToken_takesItsOwnLockOver_asAnAdoptionDoes() throws Exception {
        Process agent = children.startAgent(new ProcessBuilder(sh("sleep 30")));
        taken(AgentLock.take(folder, "t1", "W1 developer"))
                .started(AgentProcess.of(agent.toHandle(), "t1", folder.resolve("out")));

        AgentLock adopted = taken(AgentLock.take(folder, "t1", "W1 developer (adopted)"));

        adopted.close();
        assertThat(AgentLock.file(folder)).doesNotExist();
    }

    @Test
    void anUnreadableLock_isStale() throws Exception {
        Files.createDirectories(AgentLock.file(folder).getParent());
        Files.writeString(AgentLock.file(folder), "garbage");

        taken(AgentLock.take(folder, "t1", "W1 developer")).close();
    }
}
