package se.portvakt.myaccount;

import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

import se.portvakt.account.Account;
import se.portvakt.brand.Brand;
import se.portvakt.brand.Brands;
import se.portvakt.oidc.ApplicationAccess;
import se.portvakt.oidc.ApplicationAccess.Application;

/**
 * "Applications": each application that holds a refresh token of the person (its name and logo as its sign-in shows
 * them, since when, last used), and removing its access. Removing only takes access away, so it needs no recent
 * sign-in (decision 0033); an application is named by its client_id, and one that is not the person's gets the same
 * "not found" as a made-up one.
 */
@Controller
class ApplicationsController {

    /** The removed application's name, said once on the page the removal leads to ({@link SaidOnce}). */
    private static final String REMOVED = "application-removed";

    private final ApplicationAccess access;
    private final Brands brands;

    ApplicationsController(ApplicationAccess access, Brands brands) {
        this.access = access;
        this.brands = brands;
    }

    /** One application as the page shows it. */
    record Shown(String clientId, String name, String logoUrl, ShownTime since, ShownTime lastUsed) {}

    @GetMapping("/account/applications")
    String applications(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request,
            Model model) {
        Object removed = SaidOnce.take(request, REMOVED);
        if (removed != null) {
            model.addAttribute("removed", removed);
        }
        List<Shown> shown = access.of(account.id()).stream().map(this::words).toList();
        model.addAttribute("applications", shown);
        model.addAttribute("sections", OverviewController.SECTIONS);
        model.addAttribute("section", "applications");
        return "account/applications";
    }

    /** Removes the access of the person's application with this client_id; any other gets the page with "not found". */
    @PostMapping("/account/applications/remove")
    String remove(@RequestAttribute(AccountGate.ACCOUNT) Account account,
            @RequestParam(name = "application", required = false) String clientId, HttpServletRequest request,
            HttpServletResponse response, Model model) {
        Optional<Application> removed = clientId == null ? Optional.empty()
                : access.remove(account.id(), clientId, request.getRemoteAddr());
        if (removed.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("notFound", true);
            return applications(account, request, model);
        }
        SaidOnce.put(request, REMOVED, words(removed.get()).name());
        return "redirect:/account/applications";
    }

    private Shown words(Application application) {
        Optional<Brand> brand = brands.of(application.clientId());
        return new Shown(application.clientId(), brand.map(Brand::displayName).orElse(application.clientName()),
                brand.map(Brand::logoUrl).orElse(null), ShownTime.of(application.since()),
                application.lastUsed() == null ? null : ShownTime.of(application.lastUsed()));
    }
}
