package dev.orchestrator.milestone;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * A repository's issue documents: every file matching the configuration's {@code issue_globs}
 * (outside {@code .git} and {@code .orchestrator}) that has YAML front matter. {@link #select}
 * picks and orders the issues of one milestone.
 */
public final class IssueDocs {
    /** Folders never searched: git's own and the orchestrator's (worktrees, logs). */
    private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", ".orchestrator");

    private static final Comparator<IssueDoc> BY_PATH =
            Comparator.comparing(doc -> doc.path().toString());

    /** A file that matched the globs but is not an issue document, and why. */
    public record Skipped(Path path, String reason) {}

    private final RepoConfig config;
    private final List<IssueDoc> docs;
    private final List<Skipped> skipped;

    private IssueDocs(RepoConfig config, List<IssueDoc> docs, List<Skipped> skipped) {
        this.config = config;
        this.docs = List.copyOf(docs);
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Reads every issue document of the repository.
     *
     * @throws MilestoneException for a document whose front matter is malformed (with its file and line),
     *     or two documents with the same id
     */
    public static IssueDocs scan(RepoConfig config) {
        List<IssueDoc> docs = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Path path : matchingFiles(config)) {
            String text = read(config.repo().resolve(path), path);
            Optional<FrontMatter> frontMatter = FrontMatter.parse(path, text);
            if (frontMatter.isEmpty()) {
                skipped.add(new Skipped(
                        path,
                        "no YAML front matter (a first line ---), so it names no "
                                + config.fields().milestone()));
                continue;
            }
            docs.add(toIssue(config.fields(), path, frontMatter.get()));
        }
        requireUniqueIds(docs);
        return new IssueDocs(config, docs, skipped);
    }

    /** The issue documents, by path. */
    public List<IssueDoc> docs() {
        return docs;
    }

    /** Files that matched the globs but were left out, by path. */
    public List<Skipped> skipped() {
        return skipped;
    }

    /**
     * The issues of {@code milestone} in the order they run: each after the issues it depends on,
     * ties by path. With {@code issueId}, only that issue (it must be in the milestone).
     *
     * @throws MilestoneException when the milestone has no issue, an issue depends on an id that no
     *     document has, the dependencies form a cycle, or {@code issueId} is not in the milestone
     */
    public Selection select(String milestone, Optional<String> issueId) {
        if (docs.isEmpty()) {
            throw new MilestoneException("no issue documents in " + config.repo() + ": "
                    + (skipped.isEmpty()
                            ? "no file matches issue_globs " + config.issueGlobs()
                            : skipped.size() + " file(s) match issue_globs " + config.issueGlobs()
                                    + " but none has YAML front matter")
                    + " (" + config.file() + "). Point issue_globs at the issue documents, or give them front "
                    + "matter with a " + config.fields().milestone() + " field.");
        }
        List<IssueDoc> members = docs.stream().filter(doc -> doc.in(milestone)).toList();
        if (members.isEmpty()) {
            throw new MilestoneException("no issue in milestone " + milestone + ": none of the " + docs.size()
                    + " issue documents has " + config.fields().milestone() + ": " + milestone
                    + " in its front matter. " + milestonesThatExist() + ".");
        }
        List<String> notes = new ArrayList<>();
        checkDependencies(milestone, members, notes);
        List<IssueDoc> ordered = order(milestone, members);
        if (issueId.isEmpty()) {
            return new Selection(milestone, ordered, notes);
        }
        IssueDoc issue = members.stream()
                .filter(doc -> doc.id().equals(issueId.get()))
                .findFirst()
                .orElseThrow(() -> new MilestoneException("issue " + issueId.get() + " is not in milestone "
                        + milestone + ". Its issues are: "
                        + String.join(", ", ordered.stream().map(IssueDoc::id).toList()) + "."));
        for (String dependency : issue.dependsOn()) {
            if (members.stream().anyMatch(doc -> doc.id().equals(dependency))) {
                notes.add(issue.id() + " depends on " + dependency + ", which this run leaves out (--issue);"
                        + " it is assumed done.");
            }
        }
        return new Selection(milestone, List.of(issue), notes);
    }

    private String milestonesThatExist() {
        Map<String, Integer> counts = new TreeMap<>();
        docs.forEach(doc -> doc.milestone().ifPresent(m -> counts.merge(m, 1, Integer::sum)));
        if (counts.isEmpty()) {
            return "No issue document names a milestone";
        }
        List<String> named = new ArrayList<>();
        counts.forEach((name, count) -> named.add(name + " (" + count + (count == 1 ? " issue)" : " issues)")));
        return "The milestones that exist: " + String.join(", ", named);
    }

    private void checkDependencies(String milestone, List<IssueDoc> members, List<String> notes) {
        Map<String, IssueDoc> byId = new HashMap<>();
        docs.forEach(doc -> byId.put(doc.id(), doc));
        List<String> unknown = new ArrayList<>();
        for (IssueDoc doc : members) {
            for (String dependency : doc.dependsOn()) {
                IssueDoc target = byId.get(dependency);
                if (target == null) {
                    unknown.add(doc.id() + " (" + doc.path() + ") depends on " + dependency
                            + ", which no issue document has");
                } else if (!target.in(milestone)) {
                    notes.add(doc.id() + " depends on " + dependency + " ("
                            + target.milestone().map(m -> "milestone " + m).orElse("no milestone")
                            + "), outside milestone " + milestone + "; it is assumed done.");
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new MilestoneException(String.join("; ", unknown) + ". Correct the "
                    + config.fields().dependsOn() + " field, or add the missing issue document.");
        }
    }

    /** Kahn's algorithm over the dependencies inside the milestone; ready issues leave by path. */
    private static List<IssueDoc> order(String milestone, List<IssueDoc> members) {
        Map<String, IssueDoc> byId = new LinkedHashMap<>();
        members.forEach(doc -> byId.put(doc.id(), doc));
        Map<String, Integer> waitingOn = new HashMap<>();
        Map<String, List<IssueDoc>> dependents = new HashMap<>();
        for (IssueDoc doc : members) {
            List<String> inside =
                    doc.dependsOn().stream().filter(byId::containsKey).toList();
            waitingOn.put(doc.id(), inside.size());
            inside.forEach(dependency -> dependents
                    .computeIfAbsent(dependency, k -> new ArrayList<>())
                    .add(doc));
        }
        PriorityQueue<IssueDoc> ready = new PriorityQueue<>(BY_PATH);
        members.stream().filter(doc -> waitingOn.get(doc.id()) == 0).forEach(ready::add);
        List<IssueDoc> ordered = new ArrayList<>(members.size());
        while (!ready.isEmpty()) {
            IssueDoc next = ready.poll();
            ordered.add(next);
            for (IssueDoc dependent : dependents.getOrDefault(next.id(), List.of())) {
                if (waitingOn.merge(dependent.id(), -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (ordered.size() < members.size()) {
            throw new MilestoneException("the issues of milestone " + milestone + " depend on each other in a cycle: "
                    + cycle(byId, waitingOn) + ". Remove one of these dependencies.");
        }
        return ordered;
    }

    /** One cycle among the issues still waiting: each of them waits on another that waits. */
    private static String cycle(Map<String, IssueDoc> byId, Map<String, Integer> waitingOn) {
        IssueDoc start = byId.values().stream()
                .filter(doc -> waitingOn.get(doc.id()) > 0)
                .min(BY_PATH)
                .orElseThrow();
        List<String> path = new ArrayList<>();
        IssueDoc current = start;
        while (!path.contains(current.id())) {
            path.add(current.id());
            current = current.dependsOn().stream()
                    .map(byId::get)
                    .filter(doc -> doc != null && waitingOn.get(doc.id()) > 0)
                    .findFirst()
                    .orElseThrow();
        }
        List<String> loop = new ArrayList<>(path.subList(path.indexOf(current.id()), path.size()));
        loop.add(current.id());
        return String.join(
                " → ",
                loop.stream().map(id -> id + " (" + byId.get(id).path() + ")").toList());
    }

    // ---- reading one document ----------------------------------------------------------------

    private static IssueDoc toIssue(RepoConfig.Fields fields, Path path, FrontMatter frontMatter) {
        String fileName = path.getFileName().toString();
        String stem = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
        String id = scalar(frontMatter, fields.id(), path).orElse(stem);
        String title = scalar(frontMatter, fields.title(), path)
                .or(() -> heading(frontMatter.body()))
                .orElse(id);
        Optional<String> milestone = scalar(frontMatter, fields.milestone(), path);
        List<String> dependsOn = dependencies(frontMatter, fields.dependsOn(), path);
        return new IssueDoc(id, title, frontMatter.body(), milestone, dependsOn, path);
    }

    /** A field holding one value; numbers and booleans are text as written; blank is absent. */
    private static Optional<String> scalar(FrontMatter frontMatter, String field, Path path) {
        JsonNode node = frontMatter.fields().get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isValueNode()) {
            throw new MilestoneException(path + ", line " + frontMatter.lineOf(field) + ": " + field
                    + " must be a single value, not a " + (node.isArray() ? "list" : "mapping") + ".");
        }
        String text = node.asString().strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** A YAML list of ids, or one text of ids separated by commas. */
    private static List<String> dependencies(FrontMatter frontMatter, String field, Path path) {
        JsonNode node = frontMatter.fields().get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<String> raw = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (!element.isValueNode() || element.isNull()) {
                    throw new MilestoneException(path + ", line " + frontMatter.lineOf(field) + ": " + field
                            + " must list issue ids, but one entry is " + (element.isNull() ? "empty" : "not an id")
                            + ".");
                }
                raw.add(element.asString());
            }
        } else if (node.isValueNode()) {
            raw.addAll(Arrays.asList(node.asString().split(",")));
        } else {
            throw new MilestoneException(path + ", line " + frontMatter.lineOf(field) + ": " + field
                    + " must be a list of issue ids or a comma-separated text, not a mapping.");
        }
        Set<String> ids = new LinkedHashSet<>();
        raw.stream().map(String::strip).filter(id -> !id.isEmpty()).forEach(ids::add);
        return List.copyOf(ids);
    }

    private static Optional<String> heading(String body) {
        return body.lines()
                .filter(line -> line.startsWith("# "))
                .map(line -> line.substring(2).strip())
                .filter(text -> !text.isEmpty())
                .findFirst();
    }

    private static void requireUniqueIds(List<IssueDoc> docs) {
        Map<String, IssueDoc> seen = new HashMap<>();
        List<String> clashes = new ArrayList<>();
        for (IssueDoc doc : docs) {
            IssueDoc earlier = seen.putIfAbsent(doc.id(), doc);
            if (earlier != null) {
                clashes.add(doc.id() + " (" + earlier.path() + " and " + doc.path() + ")");
            }
        }
        if (!clashes.isEmpty()) {
            throw new MilestoneException("two issue documents have the same id: " + String.join(", ", clashes)
                    + ". Give each its own id in the front matter.");
        }
    }

    // ---- finding the files -------------------------------------------------------------------

    private static List<Path> matchingFiles(RepoConfig config) {
        List<PathMatcher> matchers = config.issueGlobs().stream()
                .flatMap(glob -> variants(glob).stream())
                .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob))
                .toList();
        Path root = config.repo();
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return !dir.equals(root)
                                    && SKIPPED_FOLDERS.contains(
                                            dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    Path relative = root.relativize(file);
                    if (attributes.isRegularFile() && matchers.stream().anyMatch(m -> m.matches(relative))) {
                        found.add(relative);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new MilestoneException("cannot search " + root + " for issue documents: " + e.getMessage()
                    + ". Check the folder's permissions.");
        }
        found.sort(Comparator.comparing(Path::toString));
        return found;
    }

    /**
     * The glob, and the same with each {@code **}{@code /} either kept or matching no folder at all
     * (every combination), as people expect: {@code a/**}{@code /b.md} matches {@code a/b.md} too.
     */
    static Set<String> variants(String glob) {
        Set<String> variants = new LinkedHashSet<>();
        variants.add(glob);
        int at = glob.startsWith("**/") ? 0 : glob.indexOf("/**/");
        if (at < 0) {
            return variants;
        }
        // drop this **/ (keeping the slash before it, if any), then vary the rest
        String head = at == 0 ? "" : glob.substring(0, at + 1);
        String tail = glob.substring(at == 0 ? 3 : at + 4);
        String kept = glob.substring(0, at == 0 ? 3 : at + 4);
        for (String rest : variants(tail)) {
            variants.add(kept + rest);
            variants.add(head + rest);
        }
        return variants;
    }

    private static String read(Path file, Path relative) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new MilestoneException(relative + ": not UTF-8 text. Save it as UTF-8, or narrow issue_globs so "
                    + "that it does not match this file.");
        } catch (IOException e) {
            throw new MilestoneException(
                    relative + ": cannot be read (" + e.getMessage() + "). Check its permissions.");
        }
    }
}
