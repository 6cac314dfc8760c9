package se.flexhrm.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.oidcLogin;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Payroll's rule, without a browser: only the ID token's {@code acr} opens it, a one-factor sign-in is sent to
 * Portvakt with {@code acr_values} exactly once per sign-in, and a sign-in that comes back without two-factor sees
 * the refusal instead of another round trip. Portvakt is a stand-in that serves only its discovery document, which
 * the application reads at start.
 */
@SpringBootTest
class StepUpTest {

    private static final HttpServer PORTVAKT = discoveryOnly();

    @Autowired
    WebApplicationContext context;

    private MockMvc mvc;
    private final MockHttpSession session = new MockHttpSession();

    @DynamicPropertySource
    static void portvakt(DynamicPropertyRegistry properties) {
        properties.add("spring.security.oauth2.client.provider.portvakt.issuer-uri", StepUpTest::issuer);
    }

    @AfterAll
    static void stop() {
        PORTVAKT.stop(0);
    }

    @BeforeEach
    void setUp() {
        mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
    }

    @Test
    void twoFactorOpensPayroll() throws Exception {
        MockHttpServletResponse payroll = get("/payroll", signedIn("urn:portvakt:acr:2fa", "token-2fa"));
        assertThat(payroll.getStatus()).isEqualTo(200);
        assertThat(payroll.getContentAsString()).contains("Payslip for Erik Lind", "urn:portvakt:acr:2fa");
    }

    @Test
    void oneFactorIsSentToPortvaktForTheSecondWithAcrValues() throws Exception {
        MockHttpServletResponse payroll = get("/payroll", signedIn("urn:portvakt:acr:1fa", "token-1fa"));
        assertThat(payroll.getStatus()).isEqualTo(302);
        assertThat(payroll.getRedirectedUrl()).endsWith("/oauth2/authorization/portvakt?step-up=2fa");

        MockHttpServletResponse authorization = get(payroll.getRedirectedUrl(), signedIn("urn:portvakt:acr:1fa", "token-1fa"));
        assertThat(authorization.getRedirectedUrl()).startsWith(issuer() + "/oauth2/authorize?")
                .contains("client_id=flex-hrm", "acr_values=urn:portvakt:acr:2fa");
    }

    @Test
    void aQueryParameterProvesNothing() throws Exception {
        MockHttpServletResponse payroll = get("/payroll?acr=urn:portvakt:acr:2fa&acr_values=urn:portvakt:acr:2fa",
                signedIn("urn:portvakt:acr:1fa", "token-1fa"));
        assertThat(payroll.getStatus()).isEqualTo(302);
        assertThat(payroll.getRedirectedUrl()).endsWith("/oauth2/authorization/portvakt?step-up=2fa");
    }

    @Test
    void aSignInThatCameBackWithoutTwoFactorSeesTheRefusalNotAnotherRoundTrip() throws Exception {
        assertThat(get("/payroll", signedIn("urn:portvakt:acr:1fa", "before-step-up")).getStatus()).isEqualTo(302);

        // The same sign-in asks again (the person went back instead of finishing at Portvakt): Portvakt again.
        assertThat(get("/payroll", signedIn("urn:portvakt:acr:1fa", "before-step-up")).getRedirectedUrl())
                .endsWith("/oauth2/authorization/portvakt?step-up=2fa");

        MockHttpServletResponse refused = get("/payroll", signedIn("urn:portvakt:acr:1fa", "after-step-up"));
        assertThat(refused.getStatus()).isEqualTo(403);
        assertThat(refused.getForwardedUrl()).isEqualTo("/payroll/refused");

        // The refusal is shown once; Payroll asks Portvakt again after it.
        assertThat(get("/payroll", signedIn("urn:portvakt:acr:1fa", "after-step-up")).getRedirectedUrl())
                .endsWith("/oauth2/authorization/portvakt?step-up=2fa");
    }

    @Test
    void aPlainSignInAsksForNoLevel() throws Exception {
        MockHttpServletResponse payroll = mvc.perform(MockMvcRequestBuilders.get("/payroll").session(session)).andReturn().getResponse();
        assertThat(payroll.getRedirectedUrl()).endsWith("/oauth2/authorization/portvakt");
        MockHttpServletResponse authorization = mvc.perform(MockMvcRequestBuilders.get("/oauth2/authorization/portvakt").session(session))
                .andReturn().getResponse();
        assertThat(authorization.getRedirectedUrl()).startsWith(issuer() + "/oauth2/authorize?")
                .doesNotContain("acr_values");
    }

    @Test
    void aStepUpPortvaktAnswersWithAnErrorEndsOnTheRefusalWithTheEarlierSignInKept() throws Exception {
        RequestPostProcessor erik = signedIn("urn:portvakt:acr:1fa", "token-1fa");
        String stepUp = get("/payroll", erik).getRedirectedUrl();
        String state = stateOf(get(stepUp, erik).getRedirectedUrl());

        MockHttpServletResponse answer = get("/login/oauth2/code/portvakt?error=access_denied&state=" + state, erik);
        assertThat(answer.getRedirectedUrl()).isEqualTo("/payroll/refused");
        assertThat(get("/payroll/refused", erik).getContentAsString())
                .contains("Payroll needs two-factor authentication", "urn:portvakt:acr:1fa");
    }

    @Test
    void aPlainSignInPortvaktAnswersWithAnErrorEndsAtHomeSayingSo() throws Exception {
        String authorization = mvc.perform(MockMvcRequestBuilders.get("/oauth2/authorization/portvakt").session(session))
                .andReturn().getResponse().getRedirectedUrl();
        MockHttpServletResponse answer = mvc.perform(MockMvcRequestBuilders
                .get("/login/oauth2/code/portvakt?error=access_denied&state=" + stateOf(authorization)).session(session))
                .andReturn().getResponse();
        assertThat(answer.getRedirectedUrl()).isEqualTo("/?error");
        assertThat(mvc.perform(MockMvcRequestBuilders.get("/?error")).andReturn().getResponse().getContentAsString())
                .contains("Signing in did not finish.");
    }

    private static String stateOf(String authorizationUrl) {
        return UriComponentsBuilder.fromUriString(authorizationUrl).build().getQueryParams().getFirst("state");
    }

    private MockHttpServletResponse get(String url, RequestPostProcessor person) throws Exception {
        return mvc.perform(MockMvcRequestBuilders.get(url)
                .session(session).with(person)).andReturn().getResponse();
    }

    /** Erik, signed in with this {@code acr} and an ID token of this value (a new value: a new sign-in). */
    private static RequestPostProcessor signedIn(String acr, String idToken) {
        return oidcLogin().idToken(token -> token.tokenValue(idToken).subject("erik").claim("acr", acr)
                .claim("name", "Erik Lind").claim("email", "erik.lind@company.com"));
    }

    private static String issuer() {
        return "http://127.0.0.1:" + PORTVAKT.getAddress().getPort();
    }

    /** Portvakt's discovery document, as much of it as Spring's client registration reads. */
    private static HttpServer discoveryOnly() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/.well-known/openid-configuration", exchange -> {
                String base = "http://127.0.0.1:" + server.getAddress().getPort();
                byte[] body = """
                        {"issuer":"%1$s","authorization_endpoint":"%1$s/oauth2/authorize",
                         "token_endpoint":"%1$s/oauth2/token","jwks_uri":"%1$s/oauth2/jwks",
                         "userinfo_endpoint":"%1$s/userinfo","end_session_endpoint":"%1$s/connect/logout",
                         "response_types_supported":["code"],"subject_types_supported":["public"],
                         "id_token_signing_alg_values_supported":["RS256"],
                         "scopes_supported":["openid","email","profile"]}
                        """.formatted(base).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
