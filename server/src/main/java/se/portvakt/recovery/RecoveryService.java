package se.portvakt.recovery;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.util.UriComponentsBuilder;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.account.EmailAddress;
import se.portvakt.account.PasswordChanged;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.delivery.mail.MailMessage;
import se.portvakt.delivery.mail.MailSender;
import se.portvakt.password.PasswordHasher;
import se.portvakt.ratelimit.AttemptLimiter;
import se.portvakt.ratelimit.AttemptLimiter.Limit;
import se.portvakt.signin.KnownBrowsers;

/**
 * Recovery by email: sends reset and sign-in links, and changes a password with a reset link.
 *
 * <p>Asking for a link does the same work on the request path whether or not the address has an account:
 * the limits, then handing the rest (account look-up, known-browser check, link, mail) to a background thread.
 * So the page, its status and its timing say nothing about who has an account.
 */
@Service
class RecoveryService {

    private static final Logger log = LoggerFactory.getLogger(RecoveryService.class);

    private final AccountStore accounts;
    private final RecoveryTokens tokens;
    private final RecoveryMail mail;
    private final MailSender mailSender;
    private final PasswordHasher hasher;
    private final AttemptLimiter limiter;
    private final RecoveryMailLimits mailLimits;
    private final KnownBrowsers knownBrowsers;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final TaskExecutor background;
    private final TransactionTemplate transaction;
    private final PortvaktProperties.Recovery settings;
    private final String issuer;
    private final Limit failedLinks;

    RecoveryService(AccountStore accounts, RecoveryTokens tokens, RecoveryMail mail, MailSender mailSender,
            PasswordHasher hasher, AttemptLimiter limiter, RecoveryMailLimits mailLimits, KnownBrowsers knownBrowsers,
            AuditLog audit, ApplicationEventPublisher events,
            @Qualifier("applicationTaskExecutor") TaskExecutor background, TransactionTemplate transaction,
            PortvaktProperties properties) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.mail = mail;
        this.mailSender = mailSender;
        this.hasher = hasher;
        this.limiter = limiter;
        this.mailLimits = mailLimits;
        this.knownBrowsers = knownBrowsers;
        this.audit = audit;
        this.events = events;
        this.background = background;
        this.transaction = transaction;
        this.settings = properties.recovery();
        this.issuer = properties.issuer();
        this.failedLinks = new Limit("recovery.link.address", settings.failedLinksPerClientAddress(), settings.emailWindow());
    }

    /**
     * A person asked for a link, in a browser with this mark (see {@link KnownBrowsers}). Past a limit nothing is
     * sent (and the person sees the same page), unless the browser is the one in which the address's account last
     * signed in; otherwise the link is made and mailed off the request path.
     */
    void requestLink(LinkKind kind, EmailAddress email, String clientAddress, Optional<String> browserMark,
            String clientId, String flowId, Locale locale) {
        RecoveryMailLimits.Allowance allowance = mailLimits.count(email, clientAddress, browserMark);
        String type = kind == LinkKind.RESET ? "recovery.reset.requested" : "recovery.link.requested";
        // Everything else happens off the request path, limited or not, so both take the same time here.
        background.execute(() -> {
            if (allowance.refusal() == null) {
                sendLink(kind, email, clientAddress, clientId, flowId, locale, null);
            } else if (allowance.ownBrowserMark().filter(mark -> isOwnBrowser(mark, email)).isPresent()) {
                sendLink(kind, email, clientAddress, clientId, flowId, locale, "own browser, past: " + allowance.refusal());
            } else {
                audit.record(new AuditEvent(type, "limited", null, email.value(), clientId, clientAddress,
                        "nothing sent: " + allowance.refusal()));
            }
        });
    }

    /** Whether the browser with this mark is the one in which the address's account last signed in. */
    private boolean isOwnBrowser(String mark, EmailAddress email) {
        return knownBrowsers.accountOf(mark).flatMap(accounts::findById).filter(a -> a.email().equals(email)).isPresent();
    }

    private void sendLink(LinkKind kind, EmailAddress email, String clientAddress, String clientId, String flowId,
            Locale locale, String detail) {
        String type = kind == LinkKind.RESET ? "recovery.reset.sent" : "recovery.link.sent";
        try {
            Optional<Account> found = accounts.findByEmail(email);
            if (found.isEmpty()) {
                audit.record(new AuditEvent(type, "no-account", null, email.value(), clientId, clientAddress, "nothing sent"));
                return;
            }
            Account account = found.get();
            Duration ttl = kind == LinkKind.RESET ? settings.resetTtl() : settings.signinLinkTtl();
            String token = tokens.issue(kind, account.id(), flowId, ttl);
            String path = kind == LinkKind.RESET ? "/recovery/reset" : "/recovery/link";
            String link = UriComponentsBuilder.fromUriString(issuer).path(path).queryParam("token", token).toUriString();
            MailMessage message = kind == LinkKind.RESET
                    ? mail.resetLink(account, link, ttl.toMinutes(), clientId, locale)
                    : mail.signInLink(account, link, ttl.toMinutes(), clientId, locale);
            mailSender.send(message);
            audit.record(new AuditEvent(type, "success", account.id(), email.value(), clientId, clientAddress, detail));
        } catch (RuntimeException e) {
            log.error("Could not send a {} link", kind, e);
            audit.record(new AuditEvent(type, "failure", null, email.value(), clientId, clientAddress,
                    e.getClass().getSimpleName()));
        }
    }

    /** Audits a request for a link that was refused for its CAPTCHA (nothing is sent). */
    void captchaFailed(String email, String clientAddress, String clientId, Object result) {
        audit.record(new AuditEvent("recovery.captcha", "failure", null, email, clientId, clientAddress,
                String.valueOf(result)));
    }

    /**
     * Whether links may still be tried from this client address; past the limit of failed links the attempt is
     * refused without looking at the link, and the refusal is audited.
     */
    boolean mayTryLinks(LinkKind kind, String clientAddress, String clientId) {
        if (limiter.blockedFor(failedLinks, clientAddress).isZero()) {
            return true;
        }
        audit.record(new AuditEvent(usedType(kind), "limited", null, null, clientId, clientAddress,
                "too many failed links from this address"));
        return false;
    }

    /** Counts a link that did not work (unknown, used or expired), for the per-address limit. */
    void linkFailed(LinkKind kind, String clientAddress, String clientId) {
        limiter.record(failedLinks, clientAddress);
        audit.record(new AuditEvent(usedType(kind), "failure", null, null, clientId, clientAddress,
                "unknown, used or expired link"));
    }

    private static String usedType(LinkKind kind) {
        return kind == LinkKind.RESET ? "recovery.reset.used" : "recovery.link.used";
    }

    /** The account a link is for, if the link works now (opening a link never spends it). */
    Optional<Account> peek(LinkKind kind, String token) {
        return tokens.peek(kind, token).flatMap(grant -> accounts.findById(grant.accountId()));
    }

    /** The outcome of using a link: the account it proved and the sign-in that asked for it. */
    record Used(Account account, String flowId) {}

    /** Spends a one-time sign-in link. */
    Optional<Used> useSignInLink(String token, String clientAddress, String clientId) {
        Optional<Used> used = tokens.spend(LinkKind.SIGNIN_LINK, token)
                .flatMap(grant -> accounts.findById(grant.accountId()).map(a -> new Used(a, grant.flowId())));
        used.ifPresentOrElse(
                u -> audit.record(new AuditEvent("recovery.link.used", "success", u.account().id(),
                        u.account().email().value(), clientId, clientAddress, null)),
                () -> linkFailed(LinkKind.SIGNIN_LINK, clientAddress, clientId));
        return used;
    }

    /**
     * Spends a reset link and sets the new password (already checked against the rules): the account's other
     * sessions, refresh tokens, sign-ins in progress and unused links end, and the person gets a notice by email.
     * Only the sign-in of this browser ({@code browserFlowId}) goes on, when it is the one that asked for the link.
     */
    Optional<Used> resetPassword(String token, String newPassword, String browserFlowId, String clientAddress,
            String clientId, Locale locale) {
        String hash = hasher.hash(newPassword);
        Optional<Used> used = transaction.execute(status -> tokens.spend(LinkKind.RESET, token)
                .flatMap(grant -> accounts.findById(grant.accountId()).map(a -> new Used(a, grant.flowId())))
                .map(u -> {
                    accounts.updatePasswordHash(u.account().id(), hash);
                    return u;
                }));
        if (used == null || used.isEmpty()) {
            linkFailed(LinkKind.RESET, clientAddress, clientId);
            return Optional.empty();
        }
        Account account = used.get().account();
        audit.record(new AuditEvent("recovery.reset.used", "success", account.id(), account.email().value(), clientId,
                clientAddress, null));
        audit.record(new AuditEvent("password.changed", "success", account.id(), account.email().value(), clientId,
                clientAddress, "reset link"));
        String goesOn = browserFlowId != null && browserFlowId.equals(used.get().flowId()) ? browserFlowId : null;
        // Ends the other sessions, tokens and links, and mails the notice (delivery.mail.PasswordChangedNotice).
        events.publishEvent(new PasswordChanged(account, clientAddress, goesOn, null, locale));
        return used;
    }
}
