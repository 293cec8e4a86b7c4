package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.AGENT_CACHE;
import static dev.orchestrator.store.generated.Tables.AGENT_SESSIONS;
import static dev.orchestrator.store.generated.Tables.PROJECTS;

import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.pipeline.AgentLedger;
import dev.orchestrator.pipeline.SessionEnd;
import dev.orchestrator.process.AgentProcess;
import dev.orchestrator.project.ProjectId;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The {@link AgentLedger} in the SQLite store. Usage and the agent's session id update the agent
 * session's row in place: they are progress within a call, not transitions, so they add no event.
 */
public final class SqliteAgentLedger implements AgentLedger {
    private final Database database;
    private final InstantSource clock;

    public SqliteAgentLedger(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public void sessionAgentId(long session, String externalId) {
        database.write(dsl -> dsl.update(AGENT_SESSIONS)
                .set(AGENT_SESSIONS.EXTERNAL_SESSION_ID, externalId)
                .set(AGENT_SESSIONS.LAST_ACTIVITY_AT, now())
                .where(AGENT_SESSIONS.ID.eq(session))
                .execute());
    }

    @Override
    public void sessionProgress(long session, Usage increment, long offset) {
        database.write(dsl -> dsl.update(AGENT_SESSIONS)
                .set(AGENT_SESSIONS.INPUT_TOKENS, AGENT_SESSIONS.INPUT_TOKENS.plus(increment.inputTokens()))
                .set(AGENT_SESSIONS.OUTPUT_TOKENS, AGENT_SESSIONS.OUTPUT_TOKENS.plus(increment.outputTokens()))
                .set(
                        AGENT_SESSIONS.CACHE_READ_TOKENS,
                        AGENT_SESSIONS.CACHE_READ_TOKENS.plus(increment.cacheReadTokens()))
                .set(
                        AGENT_SESSIONS.CACHE_WRITE_TOKENS,
                        AGENT_SESSIONS.CACHE_WRITE_TOKENS.plus(increment.cacheWriteTokens()))
                .set(AGENT_SESSIONS.COST_MICROS, AGENT_SESSIONS.COST_MICROS.plus(increment.costMicros()))
                .set(AGENT_SESSIONS.LOG_OFFSET, DSL.greatest(AGENT_SESSIONS.LOG_OFFSET, DSL.val(offset)))
                .set(AGENT_SESSIONS.LAST_ACTIVITY_AT, now())
                .where(AGENT_SESSIONS.ID.eq(session))
                .execute());
    }

    @Override
    public void sessionProcess(long session, AgentProcess process, Path logFile) {
        database.write(dsl -> dsl.update(AGENT_SESSIONS)
                .set(AGENT_SESSIONS.AGENT_PID, process.pid())
                .set(AGENT_SESSIONS.AGENT_STARTED_AT, process.startedAt().orElse(null))
                .set(AGENT_SESSIONS.AGENT_IDENTITY, process.identity().orElse(null))
                .set(AGENT_SESSIONS.LOG_FILE, logFile.toString())
                .set(AGENT_SESSIONS.LAST_ACTIVITY_AT, now())
                .where(AGENT_SESSIONS.ID.eq(session))
                .execute());
    }

    @Override
    public void sessionAdopted(long session, String how) {
        database.write(dsl -> dsl.update(AGENT_SESSIONS)
                .set(AGENT_SESSIONS.ADOPTED_AT, now())
                .set(AGENT_SESSIONS.ADOPTED_HOW, how)
                .where(AGENT_SESSIONS.ID.eq(session))
                .execute());
    }

    @Override
    public Usage projectSpend(ProjectId project) {
        return sum(AGENT_SESSIONS.PROJECT_ID.eq(project.value()));
    }

    @Override
    public Usage itemSpend(long item) {
        return sum(AGENT_SESSIONS.WORK_ITEM_ID.eq(item));
    }

    @Override
    public Map<PhaseName, Usage> phaseSpend(ProjectId project) {
        Map<PhaseName, Usage> spend = new EnumMap<>(PhaseName.class);
        database.read(dsl -> dsl.select(AGENT_SESSIONS.PHASE)
                        .select(sums())
                        .from(AGENT_SESSIONS)
                        .where(AGENT_SESSIONS.PROJECT_ID.eq(project.value()))
                        .groupBy(AGENT_SESSIONS.PHASE)
                        .fetch())
                .forEach(row -> spend.put(PhaseName.fromWireName(row.get(AGENT_SESSIONS.PHASE)), usage(row, 1)));
        return spend;
    }

    @Override
    public Map<Long, Usage> itemSpends(ProjectId project) {
        Map<Long, Usage> spend = new LinkedHashMap<>();
        database.read(dsl -> dsl.select(AGENT_SESSIONS.WORK_ITEM_ID)
                        .select(sums())
                        .from(AGENT_SESSIONS)
                        .where(AGENT_SESSIONS
                                .PROJECT_ID
                                .eq(project.value())
                                .and(AGENT_SESSIONS.WORK_ITEM_ID.isNotNull()))
                        .groupBy(AGENT_SESSIONS.WORK_ITEM_ID)
                        .orderBy(AGENT_SESSIONS.WORK_ITEM_ID)
                        .fetch())
                .forEach(row -> spend.put(row.get(AGENT_SESSIONS.WORK_ITEM_ID), usage(row, 1)));
        return spend;
    }

    @Override
    public Limits limits(ProjectId project) {
        return database.read(dsl -> dsl.select(PROJECTS.BUDGET_PROJECT_MICROS, PROJECTS.BUDGET_ITEM_MICROS)
                .from(PROJECTS)
                .where(PROJECTS.ID.eq(project.value()))
                .fetchOptional()
                .map(row -> new Limits(Optional.ofNullable(row.value1()), Optional.ofNullable(row.value2())))
                .orElseThrow(() -> new StoreException("there is no project " + project + ".")));
    }

    @Override
    public void setLimits(ProjectId project, Limits limits) {
        database.change(w -> {
            var dsl = w.dsl();
            Instant now = now();
            int updated = dsl.update(PROJECTS)
                    .set(PROJECTS.BUDGET_PROJECT_MICROS, limits.projectMicros().orElse(null))
                    .set(PROJECTS.BUDGET_ITEM_MICROS, limits.itemMicros().orElse(null))
                    .set(PROJECTS.UPDATED_AT, now)
                    .where(PROJECTS.ID.eq(project.value()))
                    .execute();
            if (updated == 0) {
                throw new StoreException("there is no project " + project + ".");
            }
            Map<String, Object> payload = new LinkedHashMap<>();
            limits.projectMicros().ifPresent(m -> payload.put("project_micros", m));
            limits.itemMicros().ifPresent(m -> payload.put("item_micros", m));
            SqliteProjectRepository.appendEvent(w, project.value(), now, "budget_changed", payload);
            return null;
        });
    }

    @Override
    public Optional<String> interruptedSession(
            ProjectId project, PhaseName phase, Optional<Long> item, Role role, int attempt, int cycle) {
        Condition step = AGENT_SESSIONS
                .PROJECT_ID
                .eq(project.value())
                .and(AGENT_SESSIONS.PHASE.eq(phase.toString()))
                .and(item.map(AGENT_SESSIONS.WORK_ITEM_ID::eq).orElseGet(AGENT_SESSIONS.WORK_ITEM_ID::isNull))
                .and(AGENT_SESSIONS.ROLE.eq(role.wireName()))
                .and(AGENT_SESSIONS.ATTEMPT.eq(attempt))
                .and(AGENT_SESSIONS.CYCLE.eq(cycle));
        return database.read(dsl -> dsl.select(AGENT_SESSIONS.STATUS, AGENT_SESSIONS.EXTERNAL_SESSION_ID)
                .from(AGENT_SESSIONS)
                .where(step)
                .orderBy(AGENT_SESSIONS.ID.desc())
                .limit(1)
                .fetchOptional()
                .filter(row -> SessionEnd.Status.INTERRUPTED.wireName().equals(row.value1()))
                .flatMap(row -> Optional.ofNullable(row.value2())));
    }

    @Override
    public Optional<String> cached(String key, Instant now) {
        return database.read(dsl -> dsl.select(AGENT_CACHE.ANSWER)
                .from(AGENT_CACHE)
                .where(AGENT_CACHE.CACHE_KEY.eq(key).and(AGENT_CACHE.EXPIRES_AT.gt(now)))
                .fetchOptional(AGENT_CACHE.ANSWER));
    }

    @Override
    public void cache(
            String key, String backend, Optional<String> model, String contract, String answer, Instant expires) {
        database.write(dsl -> {
            Instant now = now();
            dsl.deleteFrom(AGENT_CACHE).where(AGENT_CACHE.EXPIRES_AT.le(now)).execute();
            return dsl.insertInto(AGENT_CACHE)
                    .set(AGENT_CACHE.CACHE_KEY, key)
                    .set(AGENT_CACHE.BACKEND, backend)
                    .set(AGENT_CACHE.MODEL, model.orElse(null))
                    .set(AGENT_CACHE.CONTRACT, contract)
                    .set(AGENT_CACHE.ANSWER, answer)
                    .set(AGENT_CACHE.CREATED_AT, now)
                    .set(AGENT_CACHE.EXPIRES_AT, expires)
                    .onConflict(AGENT_CACHE.CACHE_KEY)
                    .doUpdate()
                    .set(AGENT_CACHE.ANSWER, answer)
                    .set(AGENT_CACHE.CREATED_AT, now)
                    .set(AGENT_CACHE.EXPIRES_AT, expires)
                    .execute();
        });
    }

    // ---- internals -----------------------------------------------------------------------------

    private Usage sum(Condition which) {
        return database.read(dsl ->
                usage(dsl.select(sums()).from(AGENT_SESSIONS).where(which).fetchOne(), 0));
    }

    private static List<Field<?>> sums() {
        return List.of(
                DSL.coalesce(DSL.sum(AGENT_SESSIONS.INPUT_TOKENS), BigDecimal.ZERO),
                DSL.coalesce(DSL.sum(AGENT_SESSIONS.OUTPUT_TOKENS), BigDecimal.ZERO),
                DSL.coalesce(DSL.sum(AGENT_SESSIONS.CACHE_READ_TOKENS), BigDecimal.ZERO),
                DSL.coalesce(DSL.sum(AGENT_SESSIONS.CACHE_WRITE_TOKENS), BigDecimal.ZERO),
                DSL.coalesce(DSL.sum(AGENT_SESSIONS.COST_MICROS), BigDecimal.ZERO));
    }

    /** The five sums of {@link #sums()}, starting at column {@code first}. */
    private static Usage usage(Record row, int first) {
        return new Usage(
                number(row.get(first)),
                number(row.get(first + 1)),
                number(row.get(first + 2)),
                number(row.get(first + 3)),
                number(row.get(first + 4)));
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
