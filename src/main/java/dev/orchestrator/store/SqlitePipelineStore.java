package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.AGENT_SESSIONS;
import static dev.orchestrator.store.generated.Tables.APPROVALS;
import static dev.orchestrator.store.generated.Tables.CLARIFICATIONS;
import static dev.orchestrator.store.generated.Tables.PHASES;
import static dev.orchestrator.store.generated.Tables.PHASE_OUTPUTS;
import static dev.orchestrator.store.generated.Tables.PROJECTS;
import static dev.orchestrator.store.generated.Tables.REPO_RUNS;
import static dev.orchestrator.store.generated.Tables.WORK_ITEMS;

import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.pipeline.Approval;
import dev.orchestrator.pipeline.Claim;
import dev.orchestrator.pipeline.Clarification;
import dev.orchestrator.pipeline.NewSession;
import dev.orchestrator.pipeline.OpenSession;
import dev.orchestrator.pipeline.PhaseSession;
import dev.orchestrator.pipeline.PipelineStore;
import dev.orchestrator.pipeline.RepoRun;
import dev.orchestrator.pipeline.SessionEnd;
import dev.orchestrator.pipeline.Step;
import dev.orchestrator.project.PhaseState;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.store.generated.tables.records.AgentSessionsRecord;
import dev.orchestrator.store.generated.tables.records.ApprovalsRecord;
import dev.orchestrator.store.generated.tables.records.ClarificationsRecord;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.jooq.DSLContext;
import tools.jackson.core.type.TypeReference;

/**
 * The pipeline's state in SQLite: each change one transaction with its event.
 *
 * <p>Every change runs on the database's one writer thread, so the changes made for every agent
 * call (session started, session ended) are single statements ({@code INSERT}/{@code UPDATE ...
 * RETURNING}) rather than a record loaded and stored: what the writer spends on each is what
 * limits how many transitions a second all projects together can make.
 */
public final class SqlitePipelineStore implements PipelineStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final Database database;
    private final InstantSource clock;

    public SqlitePipelineStore(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    // ---- ownership ----------------------------------------------------------------------------

    @Override
    public Claim claim(ProjectId project, String instance, Duration stale, Predicate<String> alive) {
        return database.change(w -> {
            DSLContext dsl = w.dsl();
            var row = dsl.selectFrom(PROJECTS)
                    .where(PROJECTS.ID.eq(project.value()))
                    .fetchOptional()
                    .orElseThrow(() -> new StoreException("project " + project + " does not exist."));
            String owner = row.getOwnerInstance();
            Instant now = now();
            if (owner != null && !owner.equals(instance) && isAlive(owner, row.getHeartbeatAt(), now, stale, alive)) {
                return new Claim.OwnedElsewhere(owner, Optional.ofNullable(row.getHeartbeatAt()));
            }
            row.setOwnerInstance(instance);
            row.setHeartbeatAt(now);
            row.setUpdatedAt(now);
            row.store();
            Optional<String> previous = Optional.ofNullable(owner).filter(o -> !o.equals(instance));
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("instance", instance);
            previous.ifPresent(p -> payload.put("previous_owner", p));
            SqliteProjectRepository.appendEvent(w, project.value(), now, "project_claimed", payload);
            return new Claim.Claimed(previous);
        });
    }

    private static boolean isAlive(
            String owner, Instant heartbeat, Instant now, Duration stale, Predicate<String> alive) {
        boolean fresh = heartbeat != null && Duration.between(heartbeat, now).compareTo(stale) < 0;
        return fresh && alive.test(owner);
    }

    @Override
    public void heartbeat(String instance) {
        database.write(dsl -> dsl.update(PROJECTS)
                .set(PROJECTS.HEARTBEAT_AT, now())
                .where(PROJECTS.OWNER_INSTANCE.eq(instance))
                .execute());
    }

    @Override
    public void release(ProjectId project, String instance) {
        database.write(dsl -> dsl.update(PROJECTS)
                .setNull(PROJECTS.OWNER_INSTANCE)
                .setNull(PROJECTS.HEARTBEAT_AT)
                .where(PROJECTS.ID.eq(project.value()).and(PROJECTS.OWNER_INSTANCE.eq(instance)))
                .execute());
    }

    @Override
    public List<ProjectId> orphaned(String instance, Duration stale, Predicate<String> alive) {
        Instant now = now();
        return database
                .read(dsl -> dsl.select(PROJECTS.ID, PROJECTS.OWNER_INSTANCE, PROJECTS.HEARTBEAT_AT)
                        .from(PROJECTS)
                        .where(PROJECTS.OWNER_INSTANCE.isNotNull().and(PROJECTS.OWNER_INSTANCE.ne(instance)))
                        .orderBy(PROJECTS.ID)
                        .fetch())
                .stream()
                .filter(r -> !isAlive(r.value2(), r.value3(), now, stale, alive))
                .map(r -> new ProjectId(r.value1()))
                .toList();
    }

    // ---- phases -------------------------------------------------------------------------------

    @Override
    public List<PhaseState> phases(ProjectId project) {
        return database.read(dsl -> SqliteProjectRepository.phases(dsl, project));
    }

    @Override
    public void phaseStarted(ProjectId project, PhaseName phase, String startCommit, boolean resumed) {
        Instant now = now();
        String payload = StoreJson.payload(Map.of("phase", phase.toString(), "start_commit", startCommit));
        database.change(w -> {
            PreparedStatement update = w.prepared(resumed ? PHASE_RESUMED : PHASE_STARTED);
            update.setString(1, PhaseStatus.RUNNING.wireName());
            update.setString(2, startCommit);
            int next = 3;
            if (!resumed) {
                update.setLong(next++, now.toEpochMilli());
            }
            update.setLong(next++, project.value());
            update.setString(next, phase.toString());
            int attempts;
            try (ResultSet rs = update.executeQuery()) {
                if (!rs.next()) {
                    throw missingPhase(project, phase);
                }
                attempts = rs.getInt(1);
            }
            setProject(w, project, ProjectStatus.RUNNING, Optional.of(phase), null, now);
            SqliteProjectRepository.appendEvent(
                    w,
                    project.value(),
                    now,
                    resumed ? "phase_resumed" : "phase_started",
                    StoreJson.with(payload, "attempt", attempts));
            return null;
        });
    }

    private static final String PHASE_STARTED = "UPDATE phases SET status = ?, start_commit = ?,"
            + " attempts = attempts + 1, started_at = ?, error = NULL, ended_at = NULL"
            + " WHERE project_id = ? AND name = ? RETURNING attempts";
    // a resumed phase keeps its attempt, start and error; its start commit unless it had none
    private static final String PHASE_RESUMED = "UPDATE phases SET status = ?,"
            + " start_commit = coalesce(start_commit, ?), ended_at = NULL"
            + " WHERE project_id = ? AND name = ? RETURNING attempts";

    @Override
    public void phaseSkipped(ProjectId project, PhaseName phase, String reason) {
        endPhase(project, phase, PhaseStatus.SKIPPED, "phase_skipped", Map.of("reason", reason), null);
    }

    @Override
    public void phaseCompleted(ProjectId project, PhaseName phase, Map<String, ?> details) {
        endPhase(project, phase, PhaseStatus.COMPLETED, "phase_completed", details, null);
    }

    @Override
    public void phaseFailed(ProjectId project, PhaseName phase, String error, Optional<String> rolledBackTo) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("error", error);
        rolledBackTo.ifPresent(commit -> fields.put("rolled_back_to", commit));
        String payload = StoreJson.payload(withPhase(phase, fields));
        Instant now = now();
        database.change(w -> {
            endPhaseRow(w, project, phase, PhaseStatus.FAILED, error, now);
            setProject(w, project, ProjectStatus.FAILED, Optional.of(phase), error, now);
            SqliteProjectRepository.appendEvent(w, project.value(), now, "phase_failed", payload);
            return null;
        });
    }

    @Override
    public void phaseInterrupted(ProjectId project, PhaseName phase, String reason) {
        database.change(w -> {
            Instant now = now();
            setProject(w, project, ProjectStatus.STOPPED, Optional.of(phase), null, now);
            SqliteProjectRepository.appendEvent(
                    w, project.value(), now, "phase_interrupted", Map.of("phase", phase.toString(), "reason", reason));
            return null;
        });
    }

    private void endPhase(
            ProjectId project,
            PhaseName phase,
            PhaseStatus status,
            String event,
            Map<String, ?> details,
            String error) {
        String payload = StoreJson.payload(withPhase(phase, details));
        Instant now = now();
        database.change(w -> {
            endPhaseRow(w, project, phase, status, error, now);
            SqliteProjectRepository.appendEvent(w, project.value(), now, event, payload);
            return null;
        });
    }

    private static void endPhaseRow(
            Writes w, ProjectId project, PhaseName phase, PhaseStatus status, String error, Instant now)
            throws SQLException {
        PreparedStatement update = w.prepared(END_PHASE);
        update.setString(1, status.wireName());
        update.setLong(2, now.toEpochMilli());
        update.setString(3, error);
        update.setLong(4, project.value());
        update.setString(5, phase.toString());
        if (update.executeUpdate() == 0) {
            throw missingPhase(project, phase);
        }
    }

    private static final String END_PHASE =
            "UPDATE phases SET status = ?, ended_at = ?, error = ? WHERE project_id = ? AND name = ?";

    private static Map<String, Object> withPhase(PhaseName phase, Map<String, ?> details) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("phase", phase.toString());
        payload.putAll(details);
        return payload;
    }

    @Override
    public void projectCompleted(ProjectId project) {
        database.change(w -> {
            Instant now = now();
            setProject(w, project, ProjectStatus.COMPLETED, Optional.empty(), null, now);
            SqliteProjectRepository.appendEvent(w, project.value(), now, "project_completed", Map.of());
            return null;
        });
    }

    @Override
    public void projectStatus(ProjectId project, ProjectStatus status, String reason) {
        database.change(w -> {
            DSLContext dsl = w.dsl();
            Instant now = now();
            dsl.update(PROJECTS)
                    .set(PROJECTS.STATUS, status.wireName())
                    .set(PROJECTS.UPDATED_AT, now)
                    .set(PROJECTS.LAST_ERROR, status == ProjectStatus.PAUSED ? reason : null)
                    .where(PROJECTS.ID.eq(project.value()))
                    .execute();
            SqliteProjectRepository.appendEvent(
                    w, project.value(), now, "project_" + status.wireName(), Map.of("reason", reason));
            return null;
        });
    }

    private static void setProject(
            Writes w, ProjectId project, ProjectStatus status, Optional<PhaseName> phase, String error, Instant now)
            throws SQLException {
        PreparedStatement update = w.prepared(SET_PROJECT);
        update.setString(1, status.wireName());
        update.setString(2, phase.map(PhaseName::toString).orElse(null));
        update.setString(3, error);
        update.setLong(4, now.toEpochMilli());
        update.setLong(5, project.value());
        update.executeUpdate();
    }

    private static final String SET_PROJECT =
            "UPDATE projects SET status = ?, current_phase = ?, last_error = ?, updated_at = ? WHERE id = ?";

    private static StoreException missingPhase(ProjectId project, PhaseName phase) {
        return new StoreException("project " + project + " has no phase " + phase + ".");
    }

    @Override
    public Optional<String> candidate(ProjectId project, PhaseName phase) {
        return database.read(dsl -> Optional.ofNullable(dsl.select(PHASES.OUTPUT)
                .from(PHASES)
                .where(PHASES.PROJECT_ID.eq(project.value()).and(PHASES.NAME.eq(phase.toString())))
                .fetchOne(PHASES.OUTPUT)));
    }

    @Override
    public void storeCandidate(ProjectId project, PhaseName phase, Contract contract, String document, String source) {
        database.change(w -> {
            DSLContext dsl = w.dsl();
            Instant now = now();
            setCandidate(dsl, project, phase, contract.id(), document, source, now);
            SqliteProjectRepository.appendEvent(
                    w,
                    project.value(),
                    now,
                    "output_stored",
                    Map.of("phase", phase.toString(), "contract", contract.id(), "source", source));
            return null;
        });
    }

    @Override
    public int candidateCount(ProjectId project, PhaseName phase) {
        return database.read(dsl -> dsl.fetchCount(
                PHASE_OUTPUTS,
                PHASE_OUTPUTS.PROJECT_ID.eq(project.value()).and(PHASE_OUTPUTS.PHASE.eq(phase.toString()))));
    }

    private static void setCandidate(
            DSLContext dsl,
            ProjectId project,
            PhaseName phase,
            String contract,
            String document,
            String source,
            Instant now) {
        dsl.update(PHASES)
                .set(PHASES.OUTPUT, document)
                .where(PHASES.PROJECT_ID.eq(project.value()).and(PHASES.NAME.eq(phase.toString())))
                .execute();
        dsl.insertInto(PHASE_OUTPUTS)
                .set(PHASE_OUTPUTS.PROJECT_ID, project.value())
                .set(PHASE_OUTPUTS.PHASE, phase.toString())
                .set(PHASE_OUTPUTS.CONTRACT, contract)
                .set(PHASE_OUTPUTS.SOURCE, source)
                .set(PHASE_OUTPUTS.DOCUMENT, document)
                .set(PHASE_OUTPUTS.CREATED_AT, now)
                .execute();
    }

    @Override
    public Optional<String> output(ProjectId project, PhaseName phase) {
        return database.read(dsl -> dsl.select(PHASES.OUTPUT, PHASES.STATUS)
                        .from(PHASES)
                        .where(PHASES.PROJECT_ID.eq(project.value()).and(PHASES.NAME.eq(phase.toString())))
                        .fetchOptional())
                .filter(r ->
                        r.value1() != null && PhaseStatus.COMPLETED.wireName().equals(r.value2()))
                .map(r -> r.value1());
    }

    // ---- approvals and questions --------------------------------------------------------------

    @Override
    public Optional<Approval> latestApproval(ProjectId project, PhaseName phase) {
        return database.read(dsl -> dsl.selectFrom(APPROVALS)
                        .where(APPROVALS.PROJECT_ID.eq(project.value()).and(APPROVALS.PHASE.eq(phase.toString())))
                        .orderBy(APPROVALS.ID.desc())
                        .limit(1)
                        .fetchOptional())
                .map(SqlitePipelineStore::toApproval);
    }

    @Override
    public List<Approval> pendingApprovals(ProjectId project) {
        return database.read(dsl -> dsl.selectFrom(APPROVALS)
                .where(APPROVALS.PROJECT_ID.eq(project.value()).and(APPROVALS.STATUS.eq("pending")))
                .orderBy(APPROVALS.ID)
                .fetch(SqlitePipelineStore::toApproval));
    }

    @Override
    public Optional<Approval> latestItemApproval(long item) {
        return database.read(dsl -> dsl.selectFrom(APPROVALS)
                        .where(APPROVALS.WORK_ITEM_ID.eq(item))
                        .orderBy(APPROVALS.ID.desc())
                        .limit(1)
                        .fetchOptional())
                .map(SqlitePipelineStore::toApproval);
    }

    @Override
    public Approval requestApproval(
            ProjectId project, PhaseName phase, Approval.Kind kind, Optional<Long> item, String summary) {
        return database.change(w -> {
            DSLContext dsl = w.dsl();
            Instant now = now();
            ApprovalsRecord row = dsl.newRecord(APPROVALS);
            row.setProjectId(project.value());
            row.setPhase(phase.toString());
            row.setKind(kind.wireName());
            row.setWorkItemId(item.orElse(null));
            row.setStatus(Approval.Status.PENDING.wireName());
            row.setSummary(summary);
            row.setRequestedAt(now);
            row.store();
            dsl.update(PHASES)
                    .set(PHASES.STATUS, PhaseStatus.WAITING.wireName())
                    .where(PHASES.PROJECT_ID.eq(project.value()).and(PHASES.NAME.eq(phase.toString())))
                    .execute();
            setProject(w, project, ProjectStatus.WAITING_APPROVAL, Optional.of(phase), null, now);
            SqliteProjectRepository.appendEvent(
                    w,
                    project.value(),
                    now,
                    "approval_requested",
                    Map.of("phase", phase.toString(), "kind", kind.wireName(), "approval", row.getId()));
            return toApproval(row);
        });
    }

    @Override
    public void decide(long approvalId, Approval.Status decision, Optional<String> feedback) {
        database.change(w -> {
            DSLContext dsl = w.dsl();
            Instant now = now();
            ApprovalsRecord row = dsl.selectFrom(APPROVALS)
                    .where(APPROVALS.ID.eq(approvalId))
                    .fetchOptional()
                    .orElseThrow(() -> new StoreException("there is no approval " + approvalId + "."));
            if (!"pending".equals(row.getStatus())) {
                throw new StoreException("that decision was already made (" + row.getStatus() + ").");
            }
            row.setStatus(decision.wireName());
            row.setFeedback(feedback.orElse(null));
            row.setDecidedAt(now);
            row.store();
            ProjectId project = new ProjectId(row.getProjectId());
            if (decision == Approval.Status.REJECTED) {
                dsl.update(PHASES)
                        .setNull(PHASES.OUTPUT)
                        .where(PHASES.PROJECT_ID.eq(row.getProjectId()).and(PHASES.NAME.eq(row.getPhase())))
                        .execute();
            }
            setProject(
                    w, project, ProjectStatus.STOPPED, Optional.of(PhaseName.fromWireName(row.getPhase())), null, now);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("phase", row.getPhase());
            payload.put("decision", decision.wireName());
            feedback.ifPresent(f -> payload.put("feedback", f));
            SqliteProjectRepository.appendEvent(w, row.getProjectId(), now, "approval_decided", payload);
            return null;
        });
    }

    private static Approval toApproval(ApprovalsRecord row) {
        return new Approval(
                row.getId(),
                PhaseName.fromWireName(row.getPhase()),
                Approval.Kind.valueOf(row.getKind().toUpperCase(java.util.Locale.ROOT)),
                Approval.Status.fromWireName(row.getStatus()),
                row.getSummary(),
                Optional.ofNullable(row.getFeedback()),
                Optional.ofNullable(row.getWorkItemId()),
                row.getRequestedAt());
    }

    @Override
    public List<Clarification> clarifications(ProjectId project, PhaseName phase) {
        return database.read(dsl -> dsl.selectFrom(CLARIFICATIONS)
                .where(CLARIFICATIONS.PROJECT_ID.eq(project.value()).and(CLARIFICATIONS.PHASE.eq(phase.toString())))
                .orderBy(CLARIFICATIONS.ID)
                .fetch(SqlitePipelineStore::toClarification));
    }

    @Override
    public void ask(ProjectId project, PhaseName phase, List<Clarification> questions, boolean assumeFirstOption) {
        database.change(w -> {
            DSLContext dsl = w.dsl();
            Instant now = now();
            for (Clarification question : questions) {
                ClarificationsRecord row = dsl.newRecord(CLARIFICATIONS);
                row.setProjectId(project.value());
                row.setPhase(phase.toString());
                row.setQuestionKey(question.key());
                row.setQuestion(question.question());
                row.setOptions(StoreJson.MAPPER.writeValueAsString(question.options()));
                row.setAskedAt(now);
                if (assumeFirstOption) {
                    row.setAnswer(
                            question.options().isEmpty()
                                    ? "(no preference)"
                                    : question.options().getFirst());
                    row.setAssumed(1);
                    row.setAnsweredAt(now);
                }
                row.store();
            }
            if (!assumeFirstOption) {
                dsl.update(PHASES)
                        .set(PHASES.STATUS, PhaseStatus.WAITING.wireName())
                        .where(PHASES.PROJECT_ID.eq(project.value()).and(PHASES.NAME.eq(phase.toString())))
                        .execute();
                setProject(w, project, ProjectStatus.CLARIFYING, Optional.of(phase), null, now);
            }
            SqliteProjectRepository.appendEvent(
                    w,
                    project.value(),
                    now,
                    assumeFirstOption ? "assumptions_recorded" : "questions_asked",
                    Map.of("phase", phase.toString(), "count", questions.size()));
            return null;
        });
    }

    @Override
    public void answer(long clarificationId, String answer, boolean assumed) {
        database.change(w -> {
            DSLContext dsl = w.dsl();
            Instant now = now();
            ClarificationsRecord row = dsl.selectFrom(CLARIFICATIONS)
                    .where(CLARIFICATIONS.ID.eq(clarificationId))
                    .fetchOptional()
                    .orElseThrow(() -> new StoreException("there is no question " + clarificationId + "."));
            if (row.getAnswer() != null) {
                // answering again would clear the candidate the answers already produced
                throw new StoreException("that question was already answered (" + row.getAnswer() + ").");
            }
            row.setAnswer(answer);
            row.setAssumed(assumed ? 1 : 0);
            row.setAnsweredAt(now);
            row.store();
            boolean open = dsl.fetchExists(
                    CLARIFICATIONS,
                    CLARIFICATIONS
                            .PROJECT_ID
                            .eq(row.getProjectId())
                            .and(CLARIFICATIONS.PHASE.eq(row.getPhase()))
                            .and(CLARIFICATIONS.ANSWER.isNull()));
            if (!open) {
                dsl.update(PHASES)
                        .setNull(PHASES.OUTPUT)
                        .where(PHASES.PROJECT_ID.eq(row.getProjectId()).and(PHASES.NAME.eq(row.getPhase())))
                        .execute();
                setProject(
                        w,
                        new ProjectId(row.getProjectId()),
                        ProjectStatus.STOPPED,
                        Optional.of(PhaseName.fromWireName(row.getPhase())),
                        null,
                        now);
            }
            SqliteProjectRepository.appendEvent(
                    w,
                    row.getProjectId(),
                    now,
                    "question_answered",
                    Map.of("phase", row.getPhase(), "question", row.getQuestionKey(), "answer", answer));
            return null;
        });
    }

    private static Clarification toClarification(ClarificationsRecord row) {
        return new Clarification(
                row.getId(),
                PhaseName.fromWireName(row.getPhase()),
                row.getQuestionKey(),
                row.getQuestion(),
                StoreJson.MAPPER.readValue(row.getOptions(), STRINGS),
                Optional.ofNullable(row.getAnswer()),
                row.getAssumed() != null && row.getAssumed() == 1);
    }

    // ---- agent sessions -----------------------------------------------------------------------

    @Override
    public long sessionStarted(NewSession session) {
        Instant now = now();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("phase", session.phase().toString());
        fields.put("role", session.role().wireName());
        session.item().ifPresent(i -> fields.put("item_id", i));
        fields.put("cycle", session.cycle());
        String payload = StoreJson.payload(fields);
        return database.change(w -> {
            PreparedStatement insert = w.prepared(SESSION_STARTED);
            insert.setLong(1, session.project().value());
            insert.setString(2, session.phase().toString());
            if (session.item().isPresent()) {
                insert.setLong(3, session.item().get());
            } else {
                insert.setNull(3, Types.BIGINT);
            }
            insert.setString(4, session.role().wireName());
            insert.setString(5, session.runner());
            insert.setInt(6, session.attempt());
            insert.setInt(7, session.cycle());
            insert.setString(8, session.contract().map(Contract::id).orElse(null));
            insert.setLong(9, now.toEpochMilli());
            insert.setLong(10, now.toEpochMilli());
            insert.setString(11, session.continues().orElse(null));
            insert.setString(12, session.token());
            insert.setString(13, session.workDir().toString());
            long id;
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            SqliteProjectRepository.appendEvent(
                    w, session.project().value(), now, "agent_started", StoreJson.with(payload, "session", id));
            return id;
        });
    }

    private static final String SESSION_STARTED = "INSERT INTO agent_sessions (project_id, phase, work_item_id, role,"
            + " runner, status, attempt, cycle, contract, started_at, last_activity_at, external_session_id,"
            + " agent_token, work_dir) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

    @Override
    public void sessionEnded(long session, SessionEnd end, Optional<PhaseName> candidateOf) {
        Instant now = now();
        Usage usage = end.usage();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("session", session);
        fields.put("status", end.status().wireName());
        end.errorClass().ifPresent(c -> fields.put("error_class", c.wireName()));
        end.error().ifPresent(e -> fields.put("error", e));
        fields.put("cost_micros", usage.costMicros());
        String payload = StoreJson.payload(fields);
        database.change(w -> {
            PreparedStatement update = w.prepared(SESSION_ENDED);
            // absent values keep what the row has (coalesce), as the tokens and cost add up
            update.setString(1, end.status().wireName());
            update.setString(2, end.externalId().orElse(null));
            update.setLong(3, usage.inputTokens());
            update.setLong(4, usage.outputTokens());
            update.setLong(5, usage.cacheReadTokens());
            update.setLong(6, usage.cacheWriteTokens());
            update.setLong(7, usage.costMicros());
            update.setString(8, end.output().orElse(null));
            update.setString(9, end.errorClass().map(ErrorClass::wireName).orElse(null));
            update.setString(10, end.error().orElse(null));
            update.setString(11, end.snapshot().orElse(null));
            update.setString(12, end.lastActivity().orElse(null));
            update.setLong(13, now.toEpochMilli());
            update.setLong(14, now.toEpochMilli());
            update.setLong(15, session);
            long projectId;
            String phase;
            String role;
            String contract;
            try (ResultSet rs = update.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException("there is no agent session " + session + ".");
                }
                projectId = rs.getLong(1);
                phase = rs.getString(2);
                role = rs.getString(3);
                contract = rs.getString(4);
            }
            if (candidateOf.isPresent()
                    && end.status() == SessionEnd.Status.COMPLETED
                    && end.output().isPresent()) {
                setCandidate(
                        w.dsl(),
                        new ProjectId(projectId),
                        candidateOf.get(),
                        contract,
                        end.output().get(),
                        "agent",
                        now);
            }
            SqliteProjectRepository.appendEvent(
                    w,
                    projectId,
                    now,
                    "agent_ended",
                    StoreJson.with(StoreJson.with(payload, "phase", phase), "role", role));
            return null;
        });
    }

    private static final String SESSION_ENDED = "UPDATE agent_sessions SET status = ?,"
            + " external_session_id = coalesce(?, external_session_id), input_tokens = input_tokens + ?,"
            + " output_tokens = output_tokens + ?, cache_read_tokens = cache_read_tokens + ?,"
            + " cache_write_tokens = cache_write_tokens + ?, cost_micros = cost_micros + ?,"
            + " output = coalesce(?, output), error_class = coalesce(?, error_class),"
            + " error_summary = coalesce(?, error_summary), snapshot = coalesce(?, snapshot),"
            + " last_activity = coalesce(?, last_activity), ended_at = ?, last_activity_at = ?"
            + " WHERE id = ? RETURNING project_id, phase, role, contract";

    @Override
    public List<OpenSession> openSessions(ProjectId project) {
        List<org.jooq.Field<?>> fields = new ArrayList<>(List.of(AGENT_SESSIONS.fields()));
        fields.add(WORK_ITEMS.ITEM_KEY);
        return database.read(dsl -> dsl.select(fields)
                .from(AGENT_SESSIONS)
                .leftJoin(WORK_ITEMS)
                .on(WORK_ITEMS.ID.eq(AGENT_SESSIONS.WORK_ITEM_ID))
                .where(AGENT_SESSIONS.PROJECT_ID.eq(project.value()))
                .and(AGENT_SESSIONS.STATUS.eq("running"))
                .orderBy(AGENT_SESSIONS.ID)
                .fetch(row -> {
                    AgentSessionsRecord session = row.into(AGENT_SESSIONS);
                    return new OpenSession(
                            session.getId(),
                            PhaseName.fromWireName(session.getPhase()),
                            Optional.ofNullable(session.getWorkItemId()),
                            Optional.ofNullable(row.get(WORK_ITEMS.ITEM_KEY)),
                            Role.fromWireName(session.getRole()),
                            session.getRunner(),
                            session.getAttempt(),
                            session.getCycle(),
                            Optional.ofNullable(session.getExternalSessionId()),
                            Optional.ofNullable(session.getAgentToken()),
                            Optional.ofNullable(session.getAgentPid()),
                            Optional.ofNullable(session.getAgentStartedAt()),
                            Optional.ofNullable(session.getAgentIdentity()),
                            Optional.ofNullable(session.getWorkDir()).map(Path::of),
                            Optional.ofNullable(session.getLogFile()).map(Path::of),
                            session.getLogOffset(),
                            new Usage(
                                    session.getInputTokens(),
                                    session.getOutputTokens(),
                                    session.getCacheReadTokens(),
                                    session.getCacheWriteTokens(),
                                    session.getCostMicros()),
                            session.getStartedAt(),
                            Optional.ofNullable(session.getAdoptedHow()));
                }));
    }

    @Override
    public List<Step> steps(long item, int attempt) {
        return steps(AGENT_SESSIONS.WORK_ITEM_ID.eq(item).and(AGENT_SESSIONS.ATTEMPT.eq(attempt)));
    }

    @Override
    public List<Step> phaseSteps(ProjectId project, PhaseName phase, int attempt) {
        return steps(AGENT_SESSIONS
                .PROJECT_ID
                .eq(project.value())
                .and(AGENT_SESSIONS.PHASE.eq(phase.toString()))
                .and(AGENT_SESSIONS.WORK_ITEM_ID.isNull())
                .and(AGENT_SESSIONS.ATTEMPT.eq(attempt)));
    }

    @Override
    public List<PhaseSession> phaseSessions(ProjectId project, PhaseName phase) {
        return database.read(dsl -> dsl.selectFrom(AGENT_SESSIONS)
                .where(AGENT_SESSIONS.PROJECT_ID.eq(project.value()))
                .and(AGENT_SESSIONS.PHASE.eq(phase.toString()))
                .and(AGENT_SESSIONS.WORK_ITEM_ID.isNull())
                .orderBy(AGENT_SESSIONS.ID)
                .fetch(row -> new PhaseSession(
                        row.getId(),
                        Role.fromWireName(row.getRole()),
                        row.getAttempt(),
                        row.getCycle(),
                        row.getStatus(),
                        row.getCostMicros(),
                        Optional.ofNullable(row.getErrorSummary())
                                .map(summary -> Optional.ofNullable(row.getErrorClass())
                                        .map(c -> c + ": " + summary)
                                        .orElse(summary)),
                        Optional.ofNullable(row.getOutput()))));
    }

    private List<Step> steps(org.jooq.Condition which) {
        return database.read(dsl -> dsl.selectFrom(AGENT_SESSIONS)
                .where(which)
                .and(AGENT_SESSIONS.STATUS.eq(SessionEnd.Status.COMPLETED.wireName()))
                .orderBy(AGENT_SESSIONS.ID)
                .fetch(row -> new Step(
                        row.getId(),
                        Role.fromWireName(row.getRole()),
                        row.getCycle(),
                        row.getOutput(),
                        Optional.ofNullable(row.getSnapshot()))));
    }

    @Override
    public void note(ProjectId project, String type, Map<String, ?> payload) {
        database.change(w -> {
            SqliteProjectRepository.appendEvent(w, project.value(), now(), type, payload);
            return null;
        });
    }

    @Override
    public void recordRepoRun(ProjectId project, RepoRun run) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("base_branch", run.baseBranch());
        settings.put("merge", run.merge());
        run.testCommand().ifPresent(c -> settings.put("test_command", c));
        settings.put("log_root", run.logRoot().toString());
        String json = StoreJson.payload(settings);
        database.change(w -> {
            w.dsl()
                    .insertInto(REPO_RUNS)
                    .set(REPO_RUNS.PROJECT_ID, project.value())
                    .set(REPO_RUNS.REPO_PATH, run.repo().toString())
                    .set(REPO_RUNS.MILESTONE, run.milestone())
                    .set(REPO_RUNS.ISSUE, run.issue().orElse(""))
                    .set(REPO_RUNS.SETTINGS, json)
                    .onConflict(REPO_RUNS.PROJECT_ID)
                    .doUpdate()
                    .set(REPO_RUNS.SETTINGS, json)
                    .execute();
            Map<String, Object> payload = new LinkedHashMap<>(settings);
            payload.put("repo", run.repo().toString());
            payload.put("milestone", run.milestone());
            run.issue().ifPresent(i -> payload.put("issue", i));
            SqliteProjectRepository.appendEvent(w, project.value(), now(), "repo_run_recorded", payload);
            return null;
        });
    }

    @Override
    public Optional<RepoRun> repoRun(ProjectId project) {
        return database.read(dsl -> dsl.selectFrom(REPO_RUNS)
                .where(REPO_RUNS.PROJECT_ID.eq(project.value()))
                .fetchOptional()
                .map(row -> {
                    var settings = StoreJson.MAPPER.readTree(row.getSettings());
                    String test = settings.path("test_command").asString("");
                    return new RepoRun(
                            Path.of(row.getRepoPath()),
                            row.getMilestone(),
                            Optional.of(row.getIssue()).filter(i -> !i.isEmpty()),
                            settings.path("base_branch").asString("main"),
                            settings.path("merge").asBoolean(true),
                            Optional.of(test).filter(t -> !t.isBlank()),
                            Path.of(settings.path("log_root").asString(row.getRepoPath() + "/.orchestrator/logs")));
                }));
    }

    @Override
    public Optional<ProjectId> findRepoRun(Path repo, String milestone, Optional<String> issue) {
        return database.read(dsl -> dsl.select(REPO_RUNS.PROJECT_ID)
                .from(REPO_RUNS)
                .where(REPO_RUNS.REPO_PATH.eq(repo.toString()))
                .and(REPO_RUNS.MILESTONE.eq(milestone))
                .and(REPO_RUNS.ISSUE.eq(issue.orElse("")))
                .fetchOptional(REPO_RUNS.PROJECT_ID)
                .map(ProjectId::new));
    }

    static List<String> strings(String json) {
        return json == null ? List.of() : new ArrayList<>(StoreJson.MAPPER.readValue(json, STRINGS));
    }
}
