package dev.orchestrator.contract;

import java.util.Comparator;

/** Orders item keys as people read them: {@code W2} before {@code W10}. */
final class ItemKeys {
    /** Digit runs compare by value, other runs as text; equal-looking keys fall back to plain text order. */
    static final Comparator<String> NATURAL = ItemKeys::compareNatural;

    private ItemKeys() {}

    private static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int endA = runEnd(a, i);
            int endB = runEnd(b, j);
            String runA = a.substring(i, endA);
            String runB = b.substring(j, endB);
            int order = isDigit(runA) && isDigit(runB) ? compareNumbers(runA, runB) : runA.compareTo(runB);
            if (order != 0) {
                return order;
            }
            i = endA;
            j = endB;
        }
        int byLength = Integer.compare(a.length() - i, b.length() - j);
        return byLength != 0 ? byLength : a.compareTo(b);
    }

    private static int runEnd(String text, int start) {
        boolean digits = Character.isDigit(text.charAt(start));
        int end = start + 1;
        while (end < text.length() && Character.isDigit(text.charAt(end)) == digits) {
            end++;
        }
        return end;
    }

    private static boolean isDigit(String run) {
        return Character.isDigit(run.charAt(0));
    }

    private static int compareNumbers(String a, String b) {
        String x = stripZeros(a);
        String y = stripZeros(b);
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    }

    private static String stripZeros(String digits) {
        int start = 0;
        while (start < digits.length() - 1 && digits.charAt(start) == '0') {
            start++;
        }
        return digits.substring(start);
    }
}
