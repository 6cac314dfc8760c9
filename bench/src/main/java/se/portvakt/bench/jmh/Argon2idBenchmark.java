package se.portvakt.bench.jmh;

import java.util.concurrent.TimeUnit;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sign-in's dominant cost: one Argon2id verification through the native libargon2 of argon2-jvm, as the server
 * does, with the parameters of the server's {@code Argon2idEncoder.owasp()} (m=19456 KiB, t=2, p=1, 16-byte salt,
 * 32-byte hash) and, beside it, OWASP's other rows ({@code -p owaspRow=7168:5,12288:3,...}; 7168:5 is Keycloak 26's
 * default). A sign-in does one verify; one core therefore caps sign-ins/s at about 1000 / (verify ms).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Argon2idBenchmark {

    static final int PARALLELISM = 1;

    /** OWASP's rows (memory KiB : passes), each of equal strength by OWASP's reckoning. */
    @Param({"19456:2", "7168:5"})
    public String owaspRow;

    private int memoryKib;
    private int iterations;

    private final Argon2 argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id, 16, 32);
    private final char[] password = "correct horse battery staple".toCharArray();
    private String stored;

    @Setup
    public void setup() {
        memoryKib = Integer.parseInt(owaspRow.split(":")[0]);
        iterations = Integer.parseInt(owaspRow.split(":")[1]);
        stored = argon2.hash(iterations, memoryKib, PARALLELISM, password.clone());
    }

    @Benchmark
    public String hash() {
        return argon2.hash(iterations, memoryKib, PARALLELISM, password.clone());
    }

    @Benchmark
    public boolean verify() {
        return argon2.verify(stored, password.clone());
    }
}
