package se.flexhrm.mobile;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;

/**
 * One sign-in as a native app does it (RFC 8252): discover the provider from its issuer, listen on the loopback,
 * send the person to the system browser with a PKCE S256 challenge, {@code state} and {@code nonce}, take the code
 * back, exchange it with the verifier, check the ID token, and refresh the way a phone app does when its access
 * token has expired: each refresh hands out a new refresh token, and only the newest one is ever sent again.
 */
final class NativeSignIn {

    static final String APP_NAME = "Flex HRM Mobile";
    static final Scope SCOPE = new Scope("openid", "email", "profile", "offline_access");

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 15_000;

    private final Options options;
    private final PrintStream out;
    private final ClientID clientId;

    NativeSignIn(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.clientId = new ClientID(options.clientId());
    }

    void run() throws SignInFailed {
        OIDCProviderMetadata provider = discover();
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        try (LoopbackRedirect loopback = listen(state)) {
            URI signIn = new AuthenticationRequest.Builder(ResponseType.CODE, SCOPE, clientId, loopback.redirectUri())
                    .endpointURI(provider.getAuthorizationEndpointURI())
                    .state(state)
                    .nonce(nonce)
                    .codeChallenge(verifier, CodeChallengeMethod.S256)
                    .build()
                    .toURI();
            out.println(APP_NAME + " signs in with " + provider.getIssuer() + " in your browser.");
            out.println("If the browser does not open, open this address yourself:");
            out.println();
            out.println("  " + signIn);
            out.println();
            if (options.openBrowser() && !SystemBrowser.open(signIn)) {
                out.println("(The browser could not be opened from here.)");
            }
            out.println("Waiting for the browser to come back to " + loopback.redirectUri() + " (up to "
                    + options.timeout().toSeconds() + " seconds)...");
            out.flush();
            AuthenticationSuccessResponse answer = loopback.await(options.timeout());
            checkIssuerOfTheAnswer(provider, answer);

            OIDCTokens tokens = signedIn(exchange(provider, answer, loopback.redirectUri(), verifier));
            IDTokenClaimsSet person = checked(provider, tokens, nonce);
            printPerson(person, tokens);
            if (options.refresh()) {
                refreshTwice(provider, tokens.getRefreshToken());
            }
        }
    }

    private OIDCProviderMetadata discover() throws SignInFailed {
        try {
            OIDCProviderMetadata provider = OIDCProviderMetadata.resolve(new Issuer(options.issuer()), CONNECT_TIMEOUT_MS,
                    READ_TIMEOUT_MS);
            List<CodeChallengeMethod> pkce = provider.getCodeChallengeMethods();
            if (pkce != null && !pkce.contains(CodeChallengeMethod.S256)) {
                throw new SignInFailed("the identity provider at " + options.issuer() + " does not offer PKCE with S256,"
                        + " which a native app needs (RFC 8252 8.1).");
            }
            return provider;
        } catch (IOException e) {
            throw unreachable("the identity provider at " + options.issuer(), e);
        } catch (GeneralException e) {
            throw new SignInFailed("the identity provider at " + options.issuer() + " did not describe itself as one ("
                    + Terminal.safe(e.getMessage()) + "). Is --issuer right?");
        }
    }

    private LoopbackRedirect listen(State state) throws SignInFailed {
        try {
            return LoopbackRedirect.listen(state, APP_NAME);
        } catch (IOException e) {
            throw new SignInFailed("could not listen on 127.0.0.1 for the browser's answer: " + e.getMessage());
        }
    }

    /** RFC 9207: a provider that names itself in the answer must be the one the request went to (mix-up). */
    private static void checkIssuerOfTheAnswer(OIDCProviderMetadata provider, AuthenticationSuccessResponse answer)
            throws SignInFailed {
        Issuer named = answer.getIssuer();
        boolean required = provider.supportsAuthorizationResponseIssuerParam();
        if ((named == null && required) || (named != null && !named.equals(provider.getIssuer()))) {
            throw new SignInFailed("the browser's answer does not come from " + provider.getIssuer()
                    + " (its iss parameter is " + Terminal.safe(named == null ? null : named.getValue()) + "), so it was not used.");
        }
    }

    private TokenResponse exchange(OIDCProviderMetadata provider, AuthenticationSuccessResponse answer, URI redirectUri,
            CodeVerifier verifier) throws SignInFailed {
        AuthorizationGrant grant = new AuthorizationCodeGrant(answer.getAuthorizationCode(), redirectUri, verifier);
        return send(provider, grant);
    }

    private OIDCTokens signedIn(TokenResponse response) throws SignInFailed {
        if (!response.indicatesSuccess()) {
            throw ProviderError.describe("the code exchange", response.toErrorResponse().getErrorObject());
        }
        if (!(response instanceof OIDCTokenResponse oidc) || oidc.getOIDCTokens().getIDToken() == null) {
            throw new SignInFailed("the token endpoint answered without an ID token.");
        }
        return oidc.getOIDCTokens();
    }

    /** The ID token's signature (a key from the provider's JWKS), issuer, audience, nonce and expiry (OIDC Core 3.1.3.7). */
    private IDTokenClaimsSet checked(OIDCProviderMetadata provider, OIDCTokens tokens, Nonce nonce) throws SignInFailed {
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>(provider.getIDTokenJWSAlgs());
        try {
            JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(provider.getJWKSetURI().toURL(),
                    new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, 256 * 1024)).build();
            IDTokenValidator validator = new IDTokenValidator(provider.getIssuer(), clientId,
                    new JWSVerificationKeySelector<>(algorithms, keys), null);
            return validator.validate(tokens.getIDToken(), nonce);
        } catch (MalformedURLException e) {
            throw new SignInFailed("the provider's JWKS address is not usable: " + provider.getJWKSetURI());
        } catch (BadJOSEException | JOSEException e) {
            throw new SignInFailed("the ID token did not pass its checks, so nobody is signed in: " + Terminal.safe(e.getMessage()));
        }
    }

    private void printPerson(IDTokenClaimsSet person, OIDCTokens tokens) {
        out.println();
        out.println("Signed in to " + APP_NAME + ".");
        out.println("  name:       " + Terminal.safe(person.getStringClaim("name")));
        out.println("  email:      " + Terminal.safe(person.getStringClaim("email"))
                + (Boolean.TRUE.equals(person.getBooleanClaim("email_verified")) ? " (verified)" : " (not verified)"));
        out.println("  subject:    " + Terminal.safe(person.getSubject().getValue()));
        out.println("  amr:        " + (person.getAMR() == null ? "(none)"
                : person.getAMR().stream().map(amr -> Terminal.safe(amr.getValue())).collect(Collectors.joining(" "))));
        out.println("  acr:        " + (person.getACR() == null ? "(none)" : Terminal.safe(person.getACR().getValue())));
        out.println("  auth_time:  " + (person.getAuthenticationTime() == null ? "(none)" : person.getAuthenticationTime().toInstant()));
        out.println("  ID token:   checked (signature against the provider's keys, issuer, audience, nonce);"
                + " expires " + person.getExpirationTime().toInstant());
        out.println("  access token expires " + expiry(tokens.getAccessToken()));
        out.println("  refresh token: " + (tokens.getRefreshToken() == null ? "none (the client has no offline_access)"
                : fingerprint(tokens.getRefreshToken())));
        out.flush();
    }

    /**
     * Refreshes as the app does once its access token has expired, then once more with the refresh token the first
     * refresh gave: every refresh hands out a new one. The spent one is never sent again: the provider would take that
     * for a stolen token and end the whole sign-in (RFC 9700 4.14.2).
     */
    private void refreshTwice(OIDCProviderMetadata provider, RefreshToken first) throws SignInFailed {
        if (first == null) {
            return;
        }
        out.println();
        out.println("Refreshing, as the app does when its access token has expired:");
        RefreshToken second = refresh(provider, first);
        out.println("Refreshing again, with the new refresh token (the old one is spent: sending it again would end"
                + " the sign-in):");
        refresh(provider, second);
        out.flush();
    }

    private RefreshToken refresh(OIDCProviderMetadata provider, RefreshToken current) throws SignInFailed {
        TokenResponse response = send(provider, new RefreshTokenGrant(current));
        if (!response.indicatesSuccess()) {
            throw ProviderError.describe("the refresh", response.toErrorResponse().getErrorObject());
        }
        AccessTokenResponse tokens = response.toSuccessResponse();
        RefreshToken next = tokens.getTokens().getRefreshToken();
        if (next == null) {
            throw new SignInFailed("the refresh answered without a new refresh token: a native app's must rotate.");
        }
        if (next.equals(current)) {
            throw new SignInFailed("the refresh gave back the same refresh token: a native app's must rotate.");
        }
        out.println("  new access token, expires " + expiry(tokens.getTokens().getAccessToken()));
        out.println("  refresh token rotated: " + fingerprint(current) + " -> " + fingerprint(next));
        return next;
    }

    private TokenResponse send(OIDCProviderMetadata provider, AuthorizationGrant grant) throws SignInFailed {
        HTTPRequest request = new TokenRequest.Builder(provider.getTokenEndpointURI(), clientId, grant).build().toHTTPRequest();
        request.setConnectTimeout(CONNECT_TIMEOUT_MS);
        request.setReadTimeout(READ_TIMEOUT_MS);
        try {
            HTTPResponse response = request.send();
            if (response.getStatusCode() >= HttpURLConnection.HTTP_INTERNAL_ERROR) {
                throw new SignInFailed("the token endpoint failed (HTTP " + response.getStatusCode() + "). Try again later.");
            }
            return OIDCTokenResponseParser.parse(response);
        } catch (IOException e) {
            throw unreachable("the token endpoint " + provider.getTokenEndpointURI(), e);
        } catch (ParseException e) {
            throw new SignInFailed("the token endpoint's answer could not be read: " + Terminal.safe(e.getMessage()));
        }
    }

    private static SignInFailed unreachable(String what, IOException e) {
        String why = e instanceof ConnectException ? "nothing answers there"
                : e instanceof UnknownHostException ? "unknown host " + e.getMessage()
                : e instanceof SocketTimeoutException ? "no answer in time"
                : Terminal.safe(String.valueOf(e.getMessage()));
        return new SignInFailed("could not reach " + what + " (" + why + "). Is Portvakt running"
                + " (./mvnw -pl server spring-boot:run) and is --issuer right?");
    }

    private static String expiry(AccessToken token) {
        if (token.getLifetime() <= 0) {
            return "(not said)";
        }
        Instant at = Instant.now().plusSeconds(token.getLifetime()).truncatedTo(ChronoUnit.SECONDS);
        return at + " (in " + Duration.ofSeconds(token.getLifetime()).toSeconds() + " s)";
    }

    /** A short, one-way name for a token, to show that two differ without printing a credential. */
    static String fingerprint(RefreshToken token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getValue().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
