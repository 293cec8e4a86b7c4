package dev.orchestrator.pipeline;

/**
 * A passing item's merge has waited for the person's main checkout longer than {@code
 * phases.implement.merge_wait_seconds} in a run with no one at a prompt. The project pauses with
 * the message, which names what to commit, stash or check out and how to carry on; the item keeps
 * its reviewed commit on its branch, so the next run only merges it.
 */
final class MergePause extends RuntimeException {
    MergePause(String message) {
        super(message, null, false, false);
    }
}
