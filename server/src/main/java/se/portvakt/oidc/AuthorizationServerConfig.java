package se.portvakt.oidc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.StandardClaimNames;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.audit.AuditLog;
import se.portvakt.client.Clients;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.config.SecurityHeaders;
import se.portvakt.ratelimit.AttemptLimiter;

/**
 * The OpenID Connect protocol endpoints (Spring Authorization Server) and what they store: authorizations,
 * consents and clients in the database, signing keys from {@link SigningKeys}. A person who is not signed in
 * at the authorization endpoint is sent to the sign-in journey at {@code /signin}; one whose factors are not enough
 * for the application, to the missing step ({@link MissingFactors}).
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfig {

    static final String AUTHORIZATION_ENDPOINT = "/oauth2/authorize";
    static final String TOKEN_ENDPOINT = "/oauth2/token";
    static final String INTROSPECTION_ENDPOINT = "/oauth2/introspect";
    static final String REVOCATION_ENDPOINT = "/oauth2/revoke";

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerChain(HttpSecurity http, RegisteredClientRepository clients,
            AccountStore accounts, OAuth2TokenGenerator<?> tokenGenerator, Authorizations authorizations,
            SpentRefreshTokens spentRefreshTokens, AttemptLimiter limiter, Clients clientRegistry, AuditLog audit,
            JdbcTemplate jdbc, SignOutNotices signOutNotices,
            JWKSource<SecurityContext> signingKeys, PortvaktProperties properties, RequestCache signInRequests,
            PlatformTransactionManager transactionManager) throws Exception {
        var authorizationServer = new OAuth2AuthorizationServerConfigurer();
        http.securityMatcher(authorizationServer.getEndpointsMatcher())
                // A code exchange's reads and its UPDATE in one transaction, from the client's PKCE check on (decision
                // 0062): in front of the client's authentication, which Spring puts right after this filter class.
                .addFilterBefore(new CodeExchangeTransaction(transactionManager),
                        AbstractPreAuthenticatedProcessingFilter.class)
                .with(authorizationServer, server -> server
                        .withObjectPostProcessor(BrowserSessions.NOTHING_TO_REGISTER)
                        .tokenGenerator(tokenGenerator)
                        .tokenEndpoint(token -> token.authenticationProviders(providers -> providers.replaceAll(
                                provider -> provider instanceof OAuth2AuthorizationCodeAuthenticationProvider
                                        || provider instanceof OAuth2RefreshTokenAuthenticationProvider
                                        ? new GrantsSpentOnce(provider, authorizations, spentRefreshTokens, audit)
                                        : provider)))
                        // No code for a session whose factors the application does not accept: the missing step.
                        .authorizationEndpoint(authorize -> authorize
                                .authenticationProviders(MissingFactors::checkIn)
                                .errorResponseHandler(MissingFactors.errorResponses()))
                        .clientAuthentication(client -> client
                                .authenticationConverter(PublicClientRefresh.converter(REVOCATION_ENDPOINT))
                                .authenticationProviders(providers -> {
                                    providers.replaceAll(provider -> provider instanceof ClientSecretAuthenticationProvider
                                            ? new ClientSecretAttempts(provider, clientRegistry, limiter, audit, properties.limits())
                                            : provider);
                                    providers.add(0, PublicClientRefresh.provider(clients));
                                }))
                        .oidc(oidc -> oidc
                                .providerConfigurationEndpoint(discovery -> discovery.providerConfigurationCustomizer(
                                        metadata -> metadata
                                                .idTokenSigningAlgorithms(algorithms -> {
                                                    algorithms.clear();
                                                    algorithms.add(SignatureAlgorithm.RS256.getName());
                                                    algorithms.add(SignatureAlgorithm.ES256.getName());
                                                })
                                                // Native apps authenticate with their client_id alone (PKCE at
                                                // the code exchange, PublicClientRefresh after it); Spring's
                                                // defaults leave "none" out, so RPs would think it unsupported.
                                                .tokenEndpointAuthenticationMethods(AuthorizationServerConfig::withNone)
                                                .tokenRevocationEndpointAuthenticationMethods(AuthorizationServerConfig::withNone)
                                                .claim("claims_supported", List.of("sub", "iss", "aud", "exp", "iat",
                                                        "auth_time", "nonce", "amr", "acr", "sid", "email",
                                                        "email_verified", "name"))
                                                .claim("acr_values_supported", List.of(AuthenticationMethods.ACR_ONE_FACTOR,
                                                        AuthenticationMethods.ACR_TWO_FACTORS))
                                                // The request parameters the sign-in honours (FreshSignIn, and
                                                // the sign-in's login_hint and ui_locales): only registered names.
                                                .claim("prompt_values_supported", List.of("none", "login"))
                                                .claim("ui_locales_supported", List.of("sv", "en"))
                                                .claim("claims_parameter_supported", false)
                                                // Back-Channel Logout 1.0 (BackChannelLogout), with sid.
                                                .claim("backchannel_logout_supported", true)
                                                .claim("backchannel_logout_session_supported", true)))
                                .userInfoEndpoint(userInfo -> userInfo.userInfoMapper(
                                        context -> userInfo(accounts, context)))
                                .logoutEndpoint(logout -> logout
                                        .authenticationProviders(providers -> providers.replaceAll(
                                                provider -> provider instanceof OidcLogoutAuthenticationProvider
                                                        ? new SupersededIdTokenHints(provider, authorizations, clients,
                                                                jdbc, signingKeys, properties.issuer())
                                                        : provider))
                                        .logoutResponseHandler(signOutNotices.endSessionResponse()))))
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                // The request waits for the sign-in in a sealed cookie while the browser has no session (the sign-in's
                // SignInRequestCache, decision 0065): sending a person to sign in writes nothing to the database.
                .requestCache(cache -> cache.requestCache(signInRequests))
                .exceptionHandling(exceptions -> exceptions
                        .defaultAuthenticationEntryPointFor(
                                new LoginUrlAuthenticationEntryPoint("/signin"),
                                PathPatternRequestMatcher.withDefaults().matcher(AUTHORIZATION_ENDPOINT))
                        .defaultAuthenticationEntryPointFor(
                                new ClientAuthenticationRequired(),
                                ClientAuthenticationRequired.endpoints(TOKEN_ENDPOINT, INTROSPECTION_ENDPOINT,
                                        REVOCATION_ENDPOINT)))
                .headers(SecurityHeaders::apply);
        return http.build();
    }

    private static void withNone(List<String> methods) {
        if (!methods.contains(ClientAuthenticationMethod.NONE.getValue())) {
            methods.add(ClientAuthenticationMethod.NONE.getValue());
        }
    }

    private static OidcUserInfo userInfo(AccountStore accounts, OidcUserInfoAuthenticationContext context) {
        Account account = accounts.findById(context.getAuthorization().getPrincipalName())
                .orElseThrow(() -> new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_TOKEN));
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put(StandardClaimNames.SUB, account.id());
        claims.putAll(AccountClaims.of(account, context.getAccessToken().getScopes()));
        return new OidcUserInfo(claims);
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(PortvaktProperties properties) {
        return AuthorizationServerSettings.builder().issuer(properties.issuer()).build();
    }

    /**
     * Spring's JDBC store and format, read and saved more cheaply, grants spent once, client-credentials tokens
     * without a row ({@link Authorizations}).
     */
    @Bean
    Authorizations authorizationService(JdbcTemplate jdbcTemplate, RegisteredClientRepository clients,
            SpentRefreshTokens spentRefreshTokens, SelfContainedAccessTokens selfContained,
            TransactionTemplate transactions, BrowserSessions sessions,
            @Value("${spring.datasource.url:}") String databaseUrl) {
        return new Authorizations(jdbcTemplate, clients, spentRefreshTokens, selfContained, transactions, sessions,
                databaseUrl);
    }

    @Bean
    OAuth2AuthorizationConsentService authorizationConsentService(JdbcTemplate jdbcTemplate,
            RegisteredClientRepository clients) {
        return new ConsentWhereAsked(new JdbcOAuth2AuthorizationConsentService(jdbcTemplate, clients), clients);
    }

    /** Spring's encoding, the signatures by the native provider when it loads (decision 0049). */
    @Bean
    JwtEncoder jwtEncoder(JWKSource<SecurityContext> signingKeys, PortvaktProperties properties) {
        String setting = SignatureProvider.checked(properties.tokens().signingProvider());
        return new TokenSignatures(signingKeys, () -> SignatureProvider.of(setting));
    }

    @Bean
    JwtDecoder jwtDecoder(JWKSource<SecurityContext> signingKeys) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(signingKeys);
    }

    @Bean
    OAuth2TokenGenerator<?> tokenGenerator(JwtEncoder jwtEncoder, AccountStore accounts, MeterRegistry metrics,
            PortvaktProperties properties) {
        var jwts = new JwtGenerator(jwtEncoder);
        jwts.setJwtCustomizer(new TokenClaims(accounts, metrics,
                SignatureAlgorithm.from(properties.tokens().idTokenSigningAlgorithm())));
        return new DelegatingOAuth2TokenGenerator(jwts, new RefreshTokens(metrics));
    }

    /** Browser sessions by account, from Spring Session's table: used for the ID token's sid and for logout. */
    @Bean
    BrowserSessions sessionRegistry(JdbcClient jdbc) {
        return new BrowserSessions(jdbc);
    }
}
