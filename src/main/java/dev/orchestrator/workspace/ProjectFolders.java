package dev.orchestrator.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Project folders under the workspace root. The orchestrator only ever creates a folder that does
 * not exist yet or is empty, so it never takes over (or later damages) anything a person put there.
 */
public final class ProjectFolders {
    private final Path root;

    public ProjectFolders(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Where the project with this slug lives. */
    public Path folderFor(String slug) {
        Path folder = root.resolve(slug).normalize();
        if (!folder.getParent().equals(root) || slug.isBlank()) {
            throw new IllegalArgumentException("'" + slug + "' is not a plain folder name");
        }
        return folder;
    }

    /** Whether the folder for this slug is free: absent, or an empty directory. */
    public boolean isFree(String slug) {
        Path folder = folderFor(slug);
        if (!Files.exists(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.isDirectory(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Creates the folder for a new project.
     *
     * @return whether this call created it (false when an empty folder was already there)
     * @throws WorkspaceException when the folder is in use or cannot be created
     */
    public boolean create(String slug) {
        Path folder = folderFor(slug);
        if (!isFree(slug)) {
            throw new WorkspaceException("the folder " + folder + " already exists and is not empty; Orchestrator "
                    + "never takes over a folder it did not create. Choose another name, or move that folder.");
        }
        try {
            boolean existed = Files.isDirectory(folder);
            Files.createDirectories(folder);
            return !existed;
        } catch (IOException e) {
            throw new WorkspaceException(
                    "cannot create the project folder " + folder + " (" + describe(e) + "). "
                            + "Check that the workspace " + root + " is writable and has free space, or set another "
                            + "workspace (--workspace DIR).",
                    e);
        }
    }

    /**
     * Removes a folder this process created for a project that was then not recorded, only if it is
     * still empty. Never throws: it runs while another failure is being reported.
     *
     * @return whether the folder is gone
     */
    public boolean removeIfEmpty(String slug) {
        try {
            Files.deleteIfExists(folderFor(slug));
            return true;
        } catch (IOException e) {
            return false; // e.g. someone put something there in the meantime: leave it
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
