package se.portvakt.factor.push;

import java.util.function.Function;

/** A part of a device's call, read and checked, or the refusal to answer with. */
sealed interface Checked<T> {

    record Passed<T>(T value) implements Checked<T> {}

    record Refused<T>(Refusal refusal) implements Checked<T> {}

    /** The next check on what passed this one; a refusal stays the refusal. */
    default <R> Checked<R> flatMap(Function<T, Checked<R>> next) {
        if (this instanceof Passed<T> passed) {
            return next.apply(passed.value());
        }
        return refused(((Refused<T>) this).refusal());
    }

    static <T> Checked<T> passed(T value) {
        return new Passed<>(value);
    }

    static <T> Checked<T> refused(Refusal refusal) {
        return new Refused<>(refusal);
    }
}
