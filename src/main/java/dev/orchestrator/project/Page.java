package dev.orchestrator.project;

import java.util.List;

/**
 * One page of a longer listing.
 *
 * @param number the page, from 1
 * @param total how many entries there are over all pages
 */
public record Page<T>(List<T> items, int number, int size, long total) {
    public Page {
        items = List.copyOf(items);
        if (number < 1 || size < 1) {
            throw new IllegalArgumentException("page " + number + " of size " + size);
        }
    }

    /** How many pages the whole listing has (at least 1). */
    public int pageCount() {
        return (int) Math.max(1, (total + size - 1) / size);
    }

    public boolean hasNext() {
        return number < pageCount();
    }
}
