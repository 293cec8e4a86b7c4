package dev.orchestrator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.AgentResult.Outcome.Failure;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.config.RecoveryConfig;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What happens after a failed agent call: wait, hint, session, or give up. */
class RecoveryTest {
    private static final RecoveryConfig CONFIG = new RecoveryConfig(2, 3, 300, 10, 30, 2, 120);

    private static Recovery recovery(double random) {
        return new Recovery(CONFIG, () -> random);
    }

    private static Failure failure(ErrorClass errorClass) {
        return new Failure(errorClass, errorClass.wireName() + " happened");
    }

    private static Recovery.Next.Retry retry(Recovery.Next next) {
        assertThat(next).isInstanceOf(Recovery.Next.Retry.class);
        return (Recovery.Next.Retry) next;
    }

    @Test
    void transientFailures_waitExponentiallyLongerWithJitterBetweenHalfAndAllOfEachStep() {
        Recovery low = recovery(0.0);
        Recovery high = recovery(1.0);
        for (int retry = 1; retry <= 3; retry++) {
            Duration step = Duration.ofSeconds(2L << (retry - 1));
            assertThat(retry(low.next(failure(ErrorClass.OVERLOADED), false, false))
                            .delay())
                    .isEqualTo(step.dividedBy(2));
            assertThat(retry(high.next(failure(ErrorClass.OVERLOADED), false, false))
                            .delay())
                    .isEqualTo(step);
        }
    }

    @Test
    void aRetryAfterLongerThanTheBackoff_isHonoured() {
        Failure limited = new Failure(ErrorClass.RATE_LIMIT, "429", Optional.of(Duration.ofSeconds(30)));

        assertThat(retry(recovery(1.0).next(limited, true, false)).delay()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void authenticationAndAMissingBinary_giveUpAtOnceAsHopeless() {
        for (ErrorClass hopeless : new ErrorClass[] {ErrorClass.AUTHENTICATION, ErrorClass.MISSING_BINARY}) {
            Recovery.Next next = recovery(0.5).next(failure(hopeless), true, false);

            assertThat(next).isInstanceOf(Recovery.Next.GiveUp.class);
            assertThat(((Recovery.Next.GiveUp) next).hopeless()).isTrue();
        }
    }

    @Test
    void theSameErrorThreeTimesInARow_isStuck_andGetsAHint() {
        Recovery recovery = recovery(0.5);

        assertThat(retry(recovery.next(failure(ErrorClass.API_ERROR), true, false))
                        .hint())
                .isEmpty();
        assertThat(retry(recovery.next(failure(ErrorClass.API_ERROR), true, false))
                        .hint())
                .isEmpty();
        assertThat(retry(recovery.next(failure(ErrorClass.API_ERROR), true, false))
                        .hint())
                .hasValueSatisfying(hint -> assertThat(hint).contains("failed 3 times", "api_error happened"));
    }

    @Test
    void aStall_getsAHintAtOnce() {
        assertThat(retry(recovery(0.5).next(failure(ErrorClass.STALL), true, false))
                        .hint())
                .hasValueSatisfying(hint -> assertThat(hint).contains("waits for input"));
    }

    @Test
    void aContextOverflow_retriesAtOnceInAFreshSessionWithAdvice() {
        Recovery.Next.Retry retry = retry(recovery(0.5).next(failure(ErrorClass.CONTEXT_OVERFLOW), true, false));

        assertThat(retry.delay()).isZero();
        assertThat(retry.continueSession()).isFalse();
        assertThat(retry.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("fresh session"));
    }

    @Test
    void aSessionIsContinuedOnce_thenAfreshAfterTheSameFailureTwice() {
        Recovery recovery = recovery(0.5);

        assertThat(retry(recovery.next(failure(ErrorClass.RATE_LIMIT), true, false))
                        .continueSession())
                .isTrue();
        assertThat(retry(recovery.next(failure(ErrorClass.RATE_LIMIT), true, true))
                        .continueSession())
                .isFalse();
    }

    @Test
    void aContinuationThatCrashed_isRetriedAfresh() {
        assertThat(retry(recovery(0.5).next(failure(ErrorClass.CRASH), true, true))
                        .continueSession())
                .isFalse();
        assertThat(retry(recovery(0.5).next(failure(ErrorClass.CRASH), true, false))
                        .continueSession())
                .isTrue();
    }

    @Test
    void afterMaxRetries_itGivesUpWithADiagnosisOfEveryFailure() {
        Recovery recovery = recovery(0.5);
        recovery.next(failure(ErrorClass.OVERLOADED), true, false);
        recovery.next(failure(ErrorClass.OVERLOADED), true, false);
        recovery.next(failure(ErrorClass.STALL), true, false);

        Recovery.Next next = recovery.next(failure(ErrorClass.OVERLOADED), true, false);

        assertThat(next).isInstanceOf(Recovery.Next.GiveUp.class);
        Recovery.Next.GiveUp giveUp = (Recovery.Next.GiveUp) next;
        assertThat(giveUp.hopeless()).isFalse();
        assertThat(giveUp.diagnosis())
                .startsWith("failed 4 times (overloaded x3, stall); last: overloaded happened.")
                .contains("wait for your usage limit");
    }
}
