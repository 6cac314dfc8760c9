package se.portvakt.bench.jmh;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
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
 * credentials request signs one token; a code exchange signs two (access token and ID token). The {@code *Accp}
 * benchmarks sign with the Amazon Corretto Crypto Provider (AWS-LC) instead of the JDK's provider (decision 0049);
 * they fail when its native library does not load here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwtSigningBenchmark {

    private RSASSASigner rsaSigner;
    private RSASSASigner rsaSignerAccp;
    private ECDSASigner ecSigner;
    private ECDSASigner ecSignerAccp;
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
        AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
        // The private keys translated into the provider's own (native) form once, as the server's TokenSignatures
        // does: handed a JDK key, the provider converts it at every signature, which costs most of the gain.
        rsaSignerAccp = new RSASSASigner(translated("RSA", rsa.toPrivateKey()));
        rsaSignerAccp.getJCAContext().setProvider(AmazonCorrettoCryptoProvider.INSTANCE);
        ecSignerAccp = new ECDSASigner(translated("EC", ec.toPrivateKey()), Curve.P_256);
        ecSignerAccp.getJCAContext().setProvider(AmazonCorrettoCryptoProvider.INSTANCE);
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
        rsaSigned = signRs256(rsaSigner);
        ecSigned = signEs256(ecSigner);
    }

    private static PrivateKey translated(String type, PrivateKey key) throws JOSEException {
        try {
            return (PrivateKey) KeyFactory.getInstance(type, AmazonCorrettoCryptoProvider.INSTANCE).translateKey(key);
        } catch (GeneralSecurityException e) {
            throw new JOSEException(e.getMessage(), e);
        }
    }

    @Benchmark
    public String rs256Sign() throws JOSEException {
        return signRs256(rsaSigner).serialize();
    }

    @Benchmark
    public String rs256SignAccp() throws JOSEException {
        return signRs256(rsaSignerAccp).serialize();
    }

    @Benchmark
    public String es256Sign() throws JOSEException {
        return signEs256(ecSigner).serialize();
    }

    @Benchmark
    public String es256SignAccp() throws JOSEException {
        return signEs256(ecSignerAccp).serialize();
    }

    @Benchmark
    public boolean rs256Verify() throws JOSEException {
        return rsaSigned.verify(rsaVerifier);
    }

    @Benchmark
    public boolean es256Verify() throws JOSEException {
        return ecSigned.verify(ecVerifier);
    }

    private SignedJWT signRs256(RSASSASigner signer) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims);
        jwt.sign(signer);
        return jwt;
    }

    private SignedJWT signEs256(ECDSASigner signer) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims);
        jwt.sign(signer);
        return jwt;
    }
}
