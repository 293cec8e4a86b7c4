package dev.orchestrator.process;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Ends process trees: every descendant first, then the process itself; a polite stop, a bounded
 * wait, then a forced one. Descendants are listed before anything is signalled, because once a
 * parent is gone its children belong to init and can no longer be found from it.
 */
final class ProcessTree {
    private static final long POLL_MILLIS = 10;
    /** How long to wait for the kernel after a forced stop, so callers see the processes gone. */
    private static final Duration AFTER_FORCE = Duration.ofSeconds(2);

    private ProcessTree() {}

    /**
     * Ends each running root with its whole tree.
     *
     * <p>Never throws {@link InterruptedException}: a stop must finish even when the thread asking
     * is interrupted. The interrupt status is kept for the caller.
     *
     * @return how many of the roots were running
     */
    static int kill(Collection<ProcessHandle> roots, Duration grace) {
        boolean interrupted = Thread.interrupted();
        try {
            Set<ProcessHandle> targets = new LinkedHashSet<>();
            int running = 0;
            for (ProcessHandle root : roots) {
                if (isRunning(root)) {
                    running++;
                    root.descendants().forEach(targets::add);
                    targets.add(root);
                }
            }
            targets.forEach(ProcessHandle::destroy);
            List<ProcessHandle> left = awaitEnd(targets, grace);
            if (!left.isEmpty()) {
                // whatever a dying process started meanwhile goes too
                List<ProcessHandle> forced = new ArrayList<>();
                for (ProcessHandle process : left) {
                    process.descendants().forEach(forced::add);
                    forced.add(process);
                }
                forced.forEach(ProcessHandle::destroyForcibly);
                awaitEnd(forced, AFTER_FORCE);
            }
            return running;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Ends a session leader's whole session with it: its descendants, and every other process still
     * in its session (a grandchild that detached from its parent keeps the session it was born in,
     * so it is found here even after {@link ProcessHandle#descendants()} has lost it).
     *
     * @return how many of the session's processes were running
     */
    static int killSession(ProcessHandle leader, Duration grace) {
        List<ProcessHandle> roots = new ArrayList<>();
        roots.add(leader);
        roots.addAll(sessionMembers(leader.pid()));
        return kill(roots, grace);
    }

    /** The running processes whose session is {@code session} (read from /proc; none where there is no /proc). */
    static List<ProcessHandle> sessionMembers(long session) {
        List<ProcessHandle> members = new ArrayList<>();
        for (long pid : pids()) {
            if (pid != session && sessionOf(pid) == session) {
                ProcessHandle.of(pid).filter(ProcessTree::isRunning).ifPresent(members::add);
            }
        }
        return members;
    }

    /**
     * What tells this process apart from any other that ever had its pid: the boot's id and the
     * process's start in clock ticks since that boot ({@code /proc/PID/stat}'s 22nd field), which no
     * change of the wall clock moves; empty where there is no /proc.
     */
    static java.util.Optional<String> identity(long pid) {
        String stat = stat(pid);
        int end = stat.lastIndexOf(')');
        if (end < 0 || BOOT_ID.isEmpty()) {
            return java.util.Optional.empty();
        }
        String[] fields = stat.substring(end + 2).split(" ");
        // after the command: state (3) ... starttime (22)
        return fields.length > 19 && !fields[19].isEmpty()
                ? java.util.Optional.of(BOOT_ID.get() + "/" + fields[19])
                : java.util.Optional.empty();
    }

    private static final java.util.Optional<String> BOOT_ID = bootId();

    private static java.util.Optional<String> bootId() {
        try (InputStream in = new FileInputStream("/proc/sys/kernel/random/boot_id")) {
            String id = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return id.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(id);
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** The pids in /proc, or none where there is no /proc. */
    static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        java.io.File[] entries = new java.io.File("/proc").listFiles();
        if (entries == null) {
            return pids;
        }
        for (java.io.File entry : entries) {
            String name = entry.getName();
            if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                try {
                    pids.add(Long.parseLong(name));
                } catch (NumberFormatException e) {
                    // not a process
                }
            }
        }
        return pids;
    }

    /** The session id in /proc/PID/stat (its sixth field), or -1 when it cannot be read. */
    static long sessionOf(long pid) {
        String stat = stat(pid);
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            return -1;
        }
        String[] fields = stat.substring(end + 2).split(" ");
        // after the command: state, ppid, pgrp, session
        if (fields.length < 4) {
            return -1;
        }
        try {
            return Long.parseLong(fields[3]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whether the process still runs. A zombie (ended, not yet reaped by its parent; common in
     * containers whose first process reaps nothing) counts as ended.
     */
    static boolean isRunning(ProcessHandle process) {
        return process.isAlive() && !isZombie(process.pid());
    }

    /** Waits until the processes have ended or the time is up; returns those still running. */
    private static List<ProcessHandle> awaitEnd(Collection<ProcessHandle> processes, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        List<ProcessHandle> left = running(processes);
        while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
            pause();
            left = running(left);
        }
        return left;
    }

    private static List<ProcessHandle> running(Collection<ProcessHandle> processes) {
        return processes.stream().filter(ProcessTree::isRunning).toList();
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            // finish the stop first; kill() restores the interrupt status when it returns
        }
    }

    /** Reads the state letter in /proc/PID/stat on Linux; elsewhere (no /proc) nothing is a zombie. */
    private static boolean isZombie(long pid) {
        String stat = stat(pid);
        int end = stat.lastIndexOf(')');
        if (end < 0 || end + 2 >= stat.length()) {
            return false;
        }
        char state = stat.charAt(end + 2);
        return state == 'Z' || state == 'X';
    }

    /** /proc/PID/stat, or "" where it cannot be read. */
    private static String stat(long pid) {
        // java.io, not NIO: a channel would refuse to read on an interrupted thread
        try (InputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
