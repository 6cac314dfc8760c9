package se.portvakt.delivery.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every HTTP adapter does whatever the provider: it gives up on a provider that does not answer in time
 * (quickly, so a person is not kept waiting), says so when the provider cannot be reached, and never lets the code
 * or the whole number into an exception message. Each provider's test adds its own wire format.
 */
abstract class SmsProviderContract {

    static final SmsMessage MESSAGE = new SmsMessage("+46701234567", "Your Portvakt code is 493021");
    static final String MASKED = "+4670*****67";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration READ_TIMEOUT = Duration.ofMillis(500);
    /** How late the stub answers in the timeout tests; they must end well before. */
    static final Duration TOO_LATE = Duration.ofSeconds(5);

    ProviderStub stub;

    @BeforeEach
    void startStub() throws IOException {
        stub = new ProviderStub();
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    /** The adapter under test, pointed at the stub, with {@link #READ_TIMEOUT}. */
    abstract SmsSender sender();

    /** The provider's answer when it takes a message. */
    abstract ProviderStub.Answer accepted();

    /** The provider's name as the exception messages give it. */
    abstract String provider();

    SmsApi api() {
        return new SmsApi(provider(), CONNECT_TIMEOUT, READ_TIMEOUT);
    }

    @Test
    void noAnswerWithinTheReadTimeoutFailsFast() {
        stub.answer(accepted().after(TOO_LATE));

        assertFailsFast().hasMessageContaining(provider() + " did not answer within 500 ms");
    }

    @Test
    void anAnswerThatStallsAfterItsHeadersFailsFast() {
        stub.answer(accepted().stallingBodyFor(TOO_LATE));

        assertFailsFast().hasMessageContaining(provider() + " did not answer within 500 ms");
    }

    @Test
    void anUnreachableProviderFailsSayingSo() {
        stub.close();

        assertThatThrownBy(() -> sender().send(MESSAGE)).isInstanceOf(SmsSender.SmsDeliveryException.class)
                .hasMessageContaining(provider() + " could not be reached for the SMS to " + MASKED);
    }

    /**
     * Asserts that sending fails well before the stub would have answered (the bound leaves room for a cold JVM's
     * first request), without the code or the number.
     */
    AbstractThrowableAssert<?, ? extends Throwable> assertFailsFast() {
        SmsSender sender = sender();
        long started = System.nanoTime();
        Throwable thrown = catchThrowable(() -> sender.send(MESSAGE));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TOO_LATE.dividedBy(2));
        return assertRefusal(thrown);
    }

    /** The checks every failure passes: our exception type, the masked number, no code and no whole number. */
    static AbstractThrowableAssert<?, ? extends Throwable> assertRefusal(Throwable thrown) {
        return assertThat(thrown).isInstanceOf(SmsSender.SmsDeliveryException.class)
                .hasMessageContaining(MASKED)
                .hasMessageNotContaining("493021")
                .hasMessageNotContaining("46701234567");
    }
}
