package dev.orchestrator.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The orchestrator's own worktrees of a project's repository: one per work item, in
 * {@code .orchestrator/worktrees/<key>} on the branch {@code orchestrator/<key>}. Nothing here
 * touches a worktree or branch outside that folder and prefix.
 *
 * <p>Immutable; callers serialise the commands that add and remove worktrees (git locks its
 * administrative files, and two adds at once can fail).
 */
public final class Worktrees {
    /** Every branch the orchestrator makes starts with this. */
    public static final String BRANCH_PREFIX = "orchestrator/";

    private final Git main;
    private final Path root;

    private Worktrees(Git main) {
        this.main = main;
        this.root = main.folder().resolve(".orchestrator").resolve("worktrees");
    }

    /** The worktrees of the repository whose main checkout {@code main} is. */
    public static Worktrees of(Git main) {
        return new Worktrees(main);
    }

    /** The folder under which the worktrees live. */
    public Path root() {
        return root;
    }

    /**
     * {@code orchestrator/<key>}. A key a branch name cannot hold as it is (an issue id such as
     * {@code auth login} or {@code #12}) has those characters replaced by '-' and a short hash of
     * the key added, so that two keys never share a branch or a worktree.
     */
    public static String branch(String key) {
        String safe = key.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("\\.{2,}", ".");
        safe = safe.replaceAll("^[.-]+", "").replaceAll("[.]+$", "");
        if (safe.endsWith(".lock")) {
            safe = safe.substring(0, safe.length() - ".lock".length()) + "-lock";
        }
        if (safe.isEmpty()) {
            safe = "item";
        }
        if (!safe.equals(key)) {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            safe = safe + "-" + String.format(java.util.Locale.ROOT, "%08x", crc.getValue());
        }
        return BRANCH_PREFIX + safe;
    }

    /** The worktree folder of an item. */
    public Path folder(String key) {
        return root.resolve(branch(key).substring(BRANCH_PREFIX.length()));
    }

    /**
     * The item's worktree: the existing one if git knows it and its folder is there, else a new one
     * on the item's branch (the branch as it is when it exists, else new from {@code startPoint}).
     */
    public Git open(String key, String startPoint) {
        Path folder = folder(key);
        Optional<Git> existing = existing(key);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new GitException(
                    "cannot create " + root + " for the work items' worktrees: " + e.getMessage()
                            + ". Check the disk space and the folder's permissions.",
                    List.of("worktree", "add"),
                    e);
        }
        if (Files.exists(folder)) {
            setAside(folder);
        }
        try {
            return main.addWorktree(folder, branch(key), startPoint);
        } catch (GitException e) {
            // a worktree whose folder someone removed is still registered: forget it, try once more
            main.pruneWorktrees();
            return main.addWorktree(folder, branch(key), startPoint);
        }
    }

    /**
     * A folder where the item's worktree belongs that git does not know as one (a removal cut short,
     * say): renamed beside it, {@code <key>.left-<millis>}, with whatever it holds, so that the
     * worktree can be made and nothing in it is lost.
     */
    private void setAside(Path folder) {
        main.pruneWorktrees();
        if (!Files.exists(folder)) {
            return;
        }
        Path aside = folder.resolveSibling(folder.getFileName() + ".left-" + System.currentTimeMillis());
        try {
            Files.move(folder, aside);
        } catch (IOException e) {
            throw new GitException(
                    "cannot make the worktree " + folder + ": a folder that is not a worktree is in the way and"
                            + " cannot be moved aside (" + e.getMessage() + "). Move it away, then /resume.",
                    List.of("worktree", "add"),
                    e);
        }
    }

    /** The item's worktree, if git knows it and its folder is there. */
    public Optional<Git> existing(String key) {
        Path folder = folder(key).toAbsolutePath().normalize();
        return ours().stream()
                .filter(w ->
                        !w.prunable() && w.folder().toAbsolutePath().normalize().equals(folder))
                .filter(w -> Files.isDirectory(w.folder()))
                .findFirst()
                .map(w -> Git.at(w.folder(), main.starter()));
    }

    /** The worktrees in {@link #root()}, as git lists them. */
    public List<Git.Worktree> ours() {
        Path base = root.toAbsolutePath().normalize();
        return main.worktrees().stream()
                .filter(w -> w.folder().toAbsolutePath().normalize().startsWith(base))
                .toList();
    }

    /** The item key a worktree of {@link #ours()} belongs to (its folder's name). */
    public static String key(Git.Worktree worktree) {
        return worktree.folder().getFileName().toString();
    }

    /** Removes the item's worktree folder (its branch stays); uncommitted changes in it are gone. */
    public void remove(String key) {
        Path folder = folder(key);
        if (Files.exists(folder) || existing(key).isPresent()) {
            main.removeWorktree(folder);
        } else {
            main.pruneWorktrees();
        }
    }
}
