package se.flexhrm.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/** Flex HRM's pages: home (with the greeting once signed in), Payroll (two-factor only) and Payroll's refusal. */
@Controller
class Pages {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** "Sign in" for a visitor (it opens the greeting, which signs in first); a signed-in person is greeted. */
    @GetMapping("/")
    String home(@AuthenticationPrincipal OidcUser user) {
        return user == null ? "home" : "redirect:/hello";
    }

    /** The greeting, with what the ID token and the access token said. */
    @GetMapping("/hello")
    String signedIn(@AuthenticationPrincipal OidcUser user,
            @RegisteredOAuth2AuthorizedClient("portvakt") OAuth2AuthorizedClient client, Model model) {
        OidcIdToken idToken = user.getIdToken();
        model.addAttribute("person", user.getFullName());
        model.addAttribute("received", new Received(user.getFullName(), user.getEmail(),
                idToken.getClaimAsStringList("amr") == null ? List.of() : idToken.getClaimAsStringList("amr"),
                idToken.getClaimAsString("acr"), time(idToken.getAuthenticatedAt()), time(idToken.getExpiresAt()),
                time(client.getAccessToken().getExpiresAt())));
        return "hello";
    }

    /** Reached only with two-factor (the filter chain sends everyone else to Portvakt first). */
    @GetMapping("/payroll")
    String payroll(@AuthenticationPrincipal OidcUser user, Model model) {
        model.addAttribute("person", user.getFullName());
        model.addAttribute("acr", user.getIdToken().getClaimAsString("acr"));
        return "payroll";
    }

    /** Portvakt came back from the step-up without two-factor. */
    @RequestMapping("/payroll/refused")
    String refused(@AuthenticationPrincipal OidcUser user, Model model) {
        model.addAttribute("person", user == null ? null : user.getFullName());
        model.addAttribute("acr", user == null ? null : user.getIdToken().getClaimAsString("acr"));
        return "payroll-refused";
    }

    private static String time(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    /** The claims the greeting shows, as text. */
    record Received(String name, String email, List<String> amr, String acr, String authTime, String idTokenExpires,
            String accessTokenExpires) {}
}
