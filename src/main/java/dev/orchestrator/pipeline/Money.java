package dev.orchestrator.pipeline;

import java.math.BigDecimal;
import java.util.Locale;

/** Money as people read it: micro-dollars shown as US dollars, cents for amounts of a dollar or more. */
public final class Money {
    private Money() {}

    /** US dollars as micro-dollars, rounded half up. */
    public static long micros(BigDecimal usd) {
        return usd.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    /** {@code $1.25}, {@code $0.0031}, {@code $0.00}. */
    public static String usd(long micros) {
        BigDecimal dollars = BigDecimal.valueOf(micros).movePointLeft(6);
        if (micros == 0) {
            return "$0.00";
        }
        if (Math.abs(micros) >= 1_000_000 || micros % 10_000 == 0) {
            return String.format(Locale.ROOT, "$%.2f", dollars);
        }
        return String.format(Locale.ROOT, "$%.4f", dollars);
    }
}
