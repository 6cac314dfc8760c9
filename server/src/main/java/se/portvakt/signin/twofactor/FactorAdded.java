package se.portvakt.signin.twofactor;

import java.util.Locale;

import org.springframework.stereotype.Component;

import se.portvakt.account.AccountStore;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorNotices;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.StepContext;

/** A factor was set up: the audit log says so, and the account's owner is told by email. */
@Component
public class FactorAdded {

    private final AuditLog audit;
    private final AccountStore accounts;
    private final FactorNotices notices;

    FactorAdded(AuditLog audit, AccountStore accounts, FactorNotices notices) {
        this.audit = audit;
        this.accounts = accounts;
        this.notices = notices;
    }

    public void record(SignInFlow flow, StepContext context, FactorKind kind) {
        audit.record(new AuditEvent("factor.added", "success", flow.accountId(), flow.email().value(), flow.clientId(),
                context.address(), kind.name().toLowerCase(Locale.ROOT)));
        accounts.findById(flow.accountId()).ifPresent(account -> notices.factorAdded(account, kind, context.locale()));
    }
}
