package se.portvakt.config;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every {@code portvakt.*} setting, with its default; the README's configuration table lists them.
 *
 * @param issuer the issuer URL that tokens and discovery name, and that browsers reach
 * @param bootstrap a YAML file of clients and accounts applied at start-up (Spring resource location)
 */
@ConfigurationProperties("portvakt")
public record PortvaktProperties(
        @DefaultValue("http://localhost:8080") String issuer,
        String bootstrap,
        @DefaultValue Password password,
        @DefaultValue SignIn signin,
        @DefaultValue Limits limits,
        @DefaultValue Tokens tokens,
        @DefaultValue Recovery recovery,
        @DefaultValue Factors factors,
        @DefaultValue Sms sms,
        @DefaultValue TwoFactor twoFactor,
        @DefaultValue Authenticator authenticator,
        @DefaultValue Push push,
        @DefaultValue Geoip geoip,
        @DefaultValue Housekeeping housekeeping,
        @DefaultValue Audit audit,
        @DefaultValue AccountPages account,
        @DefaultValue SigningKeys signingKeys) {

    /** True when the issuer is served over TLS, so cookies must carry the Secure flag. */
    public boolean secureCookies() {
        return issuer.startsWith("https:");
    }

    /**
     * Rules for a new password (NIST SP 800-63B).
     *
     * @param minLength 8 is the floor; 15 is recommended where the password is the only factor
     * @param maxLength a generous cap that keeps hashing cost bounded
     */
    public record Password(@DefaultValue("8") int minLength, @DefaultValue("256") int maxLength) {}

    /** @param flowTtl how long a started sign-in stays valid */
    public record SignIn(@DefaultValue("15m") Duration flowTtl) {}

    /**
     * My account (decision 0032).
     *
     * @param reauthenticationWindow how recent the session's sign-in must be for a change (the password, a 2FA method,
     *        the email); an older one confirms with the password and second factor first
     */
    public record AccountPages(@DefaultValue("5m") Duration reauthenticationWindow) {}

    /**
     * Attempt limits. Only failures count, so a busy office behind one address signs in freely. See
     * docs/decisions/0013-lock-out-rule.md.
     *
     * @param failedSignInsPerAccount failed passwords for one email address within the window, from all client
     *        addresses together, before each further password for it needs the proof of work (the CAPTCHA)
     * @param failedSignInsPerAccountAndAddress failed passwords for one email address from one client address
     *        within the window, before that email is locked from that address
     * @param failedSignInsPerAddress failed passwords from one client address within the window, whatever the
     *        email, before that address is locked
     * @param window the length of a counting window
     * @param failedClientAuthenticationsPerClientAndAddress wrong client secrets for one client id from one client
     *        address within the window
     * @param failedClientAuthenticationsPerAddress wrong client secrets from one client address within the window
     * @param inFlightExpiry how long after a password check was counted (while it runs) its count ends if it was
     *        never resolved, as when the database went away before the check's end was written; longer than any
     *        request can take, since a check still running past it no longer bounds the guesses made beside it
     *        (decision 0053)
     * @param inFlightWait how long a password check may wait when the checks in flight beside it from its address
     *        fill that address's limit (an office at nine), before it is answered "busy" instead: they may be right
     *        passwords, which count nothing once checked (decision 0068)
     */
    public record Limits(
            @DefaultValue("10") int failedSignInsPerAccount,
            @DefaultValue("10") int failedSignInsPerAccountAndAddress,
            @DefaultValue("50") int failedSignInsPerAddress,
            @DefaultValue("15m") Duration window,
            @DefaultValue("20") int failedClientAuthenticationsPerClientAndAddress,
            @DefaultValue("50") int failedClientAuthenticationsPerAddress,
            @DefaultValue("2m") Duration inFlightExpiry,
            @DefaultValue("5s") Duration inFlightWait) {}

    /**
     * Recovery by email (journey step 3).
     *
     * @param resetTtl how long a reset link works
     * @param signinLinkTtl how long a one-time sign-in link works
     * @param emailsPerAddress emails one email address can be sent per {@code emailWindow} at the request of one
     *     client address (a stranger uses up only their own); also the cap of the browser in which the address's
     *     account last signed in, which is served past the other limits (decision 0015)
     * @param emailsPerAddressTotal emails one email address can be sent per {@code emailWindow} from all client
     *     addresses together, against a flood from many addresses
     * @param emailsPerClientAddress emails one client address can ask for per {@code emailWindow}
     * @param failedLinksPerClientAddress unknown, used or expired links one client address may submit per window
     */
    public record Recovery(
            @DefaultValue("60m") Duration resetTtl,
            @DefaultValue("15m") Duration signinLinkTtl,
            @DefaultValue("3") int emailsPerAddress,
            @DefaultValue("10") int emailsPerAddressTotal,
            @DefaultValue("10") int emailsPerClientAddress,
            @DefaultValue("1h") Duration emailWindow,
            @DefaultValue("20") int failedLinksPerClientAddress) {}

    /**
     * Token lifetimes and signing.
     *
     * @param idTokenSigningAlgorithm RS256 (default) or ES256, for clients that do not choose
     * @param signingProvider auto (default: the native AWS-LC provider when it loads, else the JDK's) or jdk
     *     (decision 0049)
     */
    public record Tokens(
            @DefaultValue("5m") Duration accessTokenTtl,
            @DefaultValue("30d") Duration refreshTokenTtl,
            @DefaultValue("RS256") String idTokenSigningAlgorithm,
            @DefaultValue("auto") String signingProvider) {}

    /**
     * Second factors (journey steps 4 and 5).
     *
     * @param encryptionKey the AES-256 key, base64 of 32 random bytes, that encrypts factor secrets (TOTP keys)
     *     in the database; required, the same on every node ({@code openssl rand -base64 32})
     */
    public record Factors(String encryptionKey) {

        /** Never shows the key. */
        @Override
        public String toString() {
            return "Factors[encryptionKey=" + (encryptionKey == null ? "none" : "(set)") + "]";
        }
    }

    /**
     * Text messages (SMS codes, the backup second factor). {@code SmsConfig} checks at start-up that the chosen
     * provider has what it needs, and names the missing setting if not.
     *
     * @param provider outbox (the development outbox), http (a generic gateway), twilio or 46elks; empty means the
     *     development outbox when it is enabled, else none (sending then fails)
     * @param from the sender the phone shows: a number in E.164 form or a name (for 46elks, 3 to 11 letters and
     *     digits starting with a letter); with Twilio also a Messaging Service SID (MG...)
     * @param connectTimeout how long to wait for the provider to accept a connection
     * @param readTimeout how long to wait for the provider's whole answer
     */
    public record Sms(
            String provider,
            String from,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("10s") Duration readTimeout,
            @DefaultValue Http http,
            @DefaultValue Twilio twilio,
            @DefaultValue Elks elks) {

        /**
         * A generic HTTP gateway (the README gives its JSON contract).
         *
         * @param url where the message is POSTed
         * @param token sent as {@code Authorization: Bearer <token>} when set
         */
        public record Http(URI url, String token) {

            /** Never shows the token. */
            @Override
            public String toString() {
                return "Http[url=" + url + ", token=" + hidden(token) + "]";
            }
        }

        /** Twilio's Messages API: the account's SID (AC...) and auth token from the Twilio console. */
        public record Twilio(String accountSid, String authToken,
                @DefaultValue("https://api.twilio.com") URI baseUrl) {

            /** Never shows the auth token. */
            @Override
            public String toString() {
                return "Twilio[accountSid=" + accountSid + ", authToken=" + hidden(authToken) + ", baseUrl=" + baseUrl
                        + "]";
            }
        }

        /** 46elks: the API username and password from the 46elks dashboard. */
        public record Elks(String username, String password, @DefaultValue("https://api.46elks.com") URI baseUrl) {

            /** Never shows the password. */
            @Override
            public String toString() {
                return "Elks[username=" + username + ", password=" + hidden(password) + ", baseUrl=" + baseUrl + "]";
            }
        }

        private static String hidden(String secret) {
            return secret == null ? "none" : "(set)";
        }
    }

    /**
     * Two-factor authentication (journey steps 4 and 5).
     *
     * @param promptSnooze how long "Remind me later" keeps the 2FA prompt away
     * @param failedCodesPerAccount wrong second-factor codes (any kind) for one account within {@code window}
     * @param smsCodeTtl how long a code sent by SMS works
     * @param smsResendAfter how long before another code can be sent to the same person
     * @param smsPerAccount texts one account can be sent per {@code smsWindow}
     * @param smsPerNumber texts one phone number can be sent per {@code smsWindow}, whichever accounts ask: a
     *        number texted on behalf of many accounts (SMS pumping to a premium-rate number) is refused
     * @param smsAttemptsPerCode wrong entries before a code sent by SMS stops working
     * @param appStoreUrl where the App Store badge on "Get started with 2FA" leads (none: no badge)
     * @param googlePlayUrl where the Google Play badge leads (none: no badge)
     */
    public record TwoFactor(
            @DefaultValue("7d") Duration promptSnooze,
            @DefaultValue("10") int failedCodesPerAccount,
            @DefaultValue("15m") Duration window,
            @DefaultValue("5m") Duration smsCodeTtl,
            @DefaultValue("30s") Duration smsResendAfter,
            @DefaultValue("5") int smsPerAccount,
            @DefaultValue("10") int smsPerNumber,
            @DefaultValue("1h") Duration smsWindow,
            @DefaultValue("5") int smsAttemptsPerCode,
            String appStoreUrl,
            String googlePlayUrl) {}

    /**
     * Portvakt Authenticator, push approval with number matching (decision 0019).
     *
     * @param pairingTtl how long a pairing code shown to a signed-in person works
     * @param requestTtl how long a device can answer a request to approve a sign-in (also the push message's TTL)
     * @param typeNumber whether the person types the number the browser shows, instead of tapping one of three
     * @param pauseAfter requests in a row denied or not answered after which push is paused for the account
     * @param pauseFor how long push stays paused after {@code pauseAfter} such requests
     * @param reportPauseFor how long push stays paused after "This wasn't me"
     * @param failedPairingsPerAddress unknown, used or expired pairing codes one client address may submit per
     *     {@code window}, so that the 60-bit code cannot be guessed at scale
     */
    public record Authenticator(
            @DefaultValue("2m") Duration pairingTtl,
            @DefaultValue("60s") Duration requestTtl,
            @DefaultValue("false") boolean typeNumber,
            @DefaultValue("5") int pauseAfter,
            @DefaultValue("15m") Duration pauseFor,
            @DefaultValue("24h") Duration reportPauseFor,
            @DefaultValue("10") int failedPairingsPerAddress,
            @DefaultValue("1h") Duration window) {}

    /**
     * Push messages to the Portvakt Authenticator (decision 0020). {@code PushConfig} checks the settings at start-up.
     *
     * @param provider web-push (RFC 8030 with VAPID, no account at any push service) or outbox (the development
     *     outbox); empty means the development outbox when it is enabled, else web-push
     * @param subject the VAPID contact that push services' operators may write to: a {@code mailto:} address or an
     *     {@code https:} URL; empty means the issuer when it is https, else {@code mailto:postmaster@} its host
     * @param connectTimeout how long to wait for a push service to accept a connection
     * @param readTimeout how long to wait for a push service's whole answer
     * @param privateEndpoints whether subscriptions at loopback, private or link-local addresses are sent to (a
     *     push service inside the network, or a test's); off by default, so a device cannot make the server post
     *     into its own network
     */
    public record Push(
            String provider,
            String subject,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("10s") Duration readTimeout,
            @DefaultValue("false") boolean privateEndpoints) {}

    /**
     * The approximate place of a client address, shown with a push request on the device. {@code GeoipConfig} opens
     * the database at start-up.
     *
     * @param database path to a MaxMind GeoIP2 or GeoLite2 City (or Country) database, an {@code .mmdb} file; empty
     *     means no lookups, and no place is shown
     */
    public record Geoip(String database) {}

    /**
     * Purging what has outlived its use, by one node at a time (decision 0030).
     *
     * @param every the pause between two runs on a node (whichever node holds the lease purges)
     * @param batchSize rows deleted by one statement; a purge repeats until a batch comes back short
     * @param pause the wait between two batches, so a backlog does not hold the database for long
     * @param lease how long a node holds the right to purge without renewing it (it renews before every batch);
     *     longer than the clocks of the nodes can differ, shorter than an operator wants to wait after a crash
     */
    public record Housekeeping(
            @DefaultValue("5m") Duration every,
            @DefaultValue("500") int batchSize,
            @DefaultValue("100ms") Duration pause,
            @DefaultValue("2m") Duration lease) {

        public Housekeeping {
            if (batchSize < 1) {
                throw new RefusedSetting("portvakt.housekeeping.batch-size is " + batchSize + ".",
                        "Set it to a number of rows of 1 or more (500 by default).");
            }
        }
    }

    /**
     * The audit log.
     *
     * @param retention how long an event is kept before housekeeping purges it; at least 90 days, because My account
     *     shows a person 90 days of their activity
     */
    public record Audit(@DefaultValue("400d") Duration retention) {

        /** What My account shows, so the shortest retention. */
        public static final Duration SHOWN = Duration.ofDays(90);

        public Audit {
            if (retention.compareTo(SHOWN) < 0) {
                throw new RefusedSetting("portvakt.audit.retention is " + retention.toDays() + " days, but My account"
                        + " shows a person " + SHOWN.toDays() + " days of their activity.",
                        "Set portvakt.audit.retention to 90d or more (400d by default), or leave it out.");
            }
        }
    }

    /**
     * Rotating the token signing keys (decision 0041): a new key is published in the JWK Set for {@code overlap}
     * before it signs; the key it replaces stays published for {@code retireAfter} after that, then leaves.
     *
     * @param overlap how long a new key is published before it signs: longer than {@code reloadEvery} (so every
     *     node publishes it first) and than applications cache the JWK Set without asking again
     * @param reloadEvery how often each node reads the keys from the database, to publish another node's new key
     * @param retireAfter how long a replaced key stays published after its successor starts signing; not set: the
     *     longest lifetime of a token it signed plus 5 minutes of clock leeway (35 minutes with the default
     *     lifetimes); shorter retires a leaked key sooner, at the price of tokens that stop verifying early
     * @param rotateEvery rotate each algorithm's key automatically when it is this old; not set: only by the
     *     operator ({@code POST /actuator/signingkeys})
     */
    public record SigningKeys(
            @DefaultValue("1h") Duration overlap,
            @DefaultValue("1m") Duration reloadEvery,
            Duration retireAfter,
            Duration rotateEvery) {

        public SigningKeys {
            if (overlap.compareTo(reloadEvery) <= 0) {
                throw new RefusedSetting("portvakt.signing-keys.overlap (" + overlap + ") is not longer than"
                        + " portvakt.signing-keys.reload-every (" + reloadEvery + "): a node could sign with a new"
                        + " key before another node publishes it.",
                        "Set the overlap longer than reload-every (1h and 1m by default), or leave both out.");
            }
            if (retireAfter != null && retireAfter.isNegative()) {
                throw new RefusedSetting("portvakt.signing-keys.retire-after is negative.",
                        "Set it to 0s or more, or leave it out (then it follows the token lifetimes).");
            }
            if (rotateEvery != null && rotateEvery.compareTo(overlap) <= 0) {
                throw new RefusedSetting("portvakt.signing-keys.rotate-every (" + rotateEvery + ") is not longer than"
                        + " the overlap (" + overlap + "): a key would be replaced before it signs.",
                        "Set rotate-every longer than portvakt.signing-keys.overlap (90d, say), or leave it out.");
            }
        }
    }
}
