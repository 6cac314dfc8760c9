package se.portvakt.web;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import se.portvakt.account.AccountStore;

/** The page a person lands on when they come to Portvakt itself rather than from an application. */
@Controller
class HomeController {

    private final AccountStore accounts;

    HomeController(AccountStore accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/")
    String home(Authentication authentication, Model model) {
        if (authentication instanceof UsernamePasswordAuthenticationToken person) {
            accounts.findById(person.getName()).ifPresent(account -> model.addAttribute("account", account));
        }
        return "home";
    }

    @GetMapping("/signed-out")
    String signedOut() {
        return "signed-out";
    }
}
