package se.portvakt.bench.jmh;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Signing (and verifying) an access-token-sized JWT with the server's two key types: RSA 2048 (RS256, the
 * default) and P-256 (ES256), through nimbus-jose-jwt as Spring Authorization Server does. A client
 * credentials request signs one token; a code exchange signs two (access token and ID token).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwtSigningBenchmark {

    private RSASSASigner rsaSigner;
    private ECDSASigner ecSigner;
    private RSASSAVerifier rsaVerifier;
    private ECDSAVerifier ecVerifier;
    private JWTClaimsSet claims;
    private SignedJWT rsaSigned;
    private SignedJWT ecSigned;
    private RSAKey rsa;
    private ECKey ec;

    @Setup
    public void setup() throws JOSEException {
        rsa = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
        rsaSigner = new RSASSASigner(rsa);
        ecSigner = new ECDSASigner(ec);
        rsaVerifier = new RSASSAVerifier(rsa.toPublicJWK());
        ecVerifier = new ECDSAVerifier(ec.toPublicJWK());
        Instant now = Instant.now();
        claims = new JWTClaimsSet.Builder()
                .issuer("http://localhost:8080")
                .subject("payroll-sync")
                .audience(List.of("payroll-sync"))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString())
                .claim("scope", List.of("hr.read"))
                .build();
        rsaSigned = signRs256();
        ecSigned = signEs256();
    }

    @Benchmark
    public String rs256Sign() throws JOSEException {
        return signRs256().serialize();
    }

    @Benchmark
    public String es256Sign() throws JOSEException {
        return signEs256().serialize();
    }

    @Benchmark
    public boolean rs256Verify() throws JOSEException {
        return rsaSigned.verify(rsaVerifier);
    }

    @Benchmark
    public boolean es256Verify() throws JOSEException {
        return ecSigned.verify(ecVerifier);
    }

    private SignedJWT signRs256() throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims);
        jwt.sign(rsaSigner);
        return jwt;
    }

    private SignedJWT signEs256() throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims);
        jwt.sign(ecSigner);
        return jwt;
    }
}
