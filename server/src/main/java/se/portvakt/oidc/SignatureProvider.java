package se.portvakt.oidc;

import java.security.Provider;
import java.util.Optional;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA provider that computes token signatures (decision 0049): AWS-LC through the Amazon Corretto Crypto
 * Provider, whose RS256 signature costs about a third of the JDK's, when {@code portvakt.tokens.signing-provider} is
 * {@code auto} and its native library loads; otherwise none, and the JDK's own providers sign. Only token signing
 * uses it ({@link TokenSignatures}, which also checks each key's first signature with the JDK): it is not installed
 * in the JVM's provider list, so nothing else changes provider.
 */
final class SignatureProvider {

    /** The setting's values. */
    static final String AUTO = "auto";
    static final String JDK = "jdk";

    private static final Logger log = LoggerFactory.getLogger(SignatureProvider.class);

    private SignatureProvider() {
    }

    /** Refuses a setting that is neither {@code auto} nor {@code jdk} (at start-up, not at the first token). */
    static String checked(String setting) {
        if (!AUTO.equalsIgnoreCase(setting) && !JDK.equalsIgnoreCase(setting)) {
            throw new IllegalStateException("portvakt.tokens.signing-provider must be auto or jdk, not " + setting);
        }
        return setting;
    }

    /** The native provider for {@code setting} ({@code auto} or {@code jdk}), or empty: sign with the JDK's. */
    static Optional<Provider> of(String setting) {
        if (JDK.equalsIgnoreCase(checked(setting))) {
            log.info("Token signatures: the JDK's providers (portvakt.tokens.signing-provider=jdk)");
            return Optional.empty();
        }
        try {
            Provider provider = AmazonCorrettoCryptoProvider.INSTANCE;
            AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
            log.info("Token signatures: {} {} (AWS-LC, native)", provider.getName(), provider.getVersionStr());
            return Optional.of(provider);
        } catch (Exception | LinkageError unavailable) {
            // Not linux-x86_64, or the library did not load: the JDK's providers are always there.
            log.info("Token signatures: the JDK's providers (the Amazon Corretto Crypto Provider is unavailable here: {})",
                    String.valueOf(unavailable));
            return Optional.empty();
        }
    }
}
