package se.portvakt.oidc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.account.EmailAddress;

/**
 * The operator's way to end a person's sessions until there is an admin API (decision 0025):
 * {@code POST /actuator/signout} with {@code {"account": "<email address or account id>"}} signs the person out of
 * every browser, ends their tokens and tells the applications ({@link AccountSessions#endAll}). Served only to
 * {@code portvakt.operator.allowed-addresses} (loopback when not set), without a session or CSRF token.
 */
@Component
@Endpoint(id = "signout")
class OperatorSignOut {

    private final AccountStore accounts;
    private final AccountSessions sessions;

    OperatorSignOut(AccountStore accounts, AccountSessions sessions) {
        this.accounts = accounts;
        this.sessions = sessions;
    }

    /** 200 with what was ended; 404 when no account has that email address or id. */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> signOut(String account) {
        Optional<Account> found = EmailAddress.parse(account).flatMap(accounts::findByEmail)
                .or(() -> accounts.findById(account));
        if (found.isEmpty()) {
            return new WebEndpointResponse<>(Map.of("error", "no such account"), WebEndpointResponse.STATUS_NOT_FOUND);
        }
        AccountSessions.Ended ended = sessions.endAll(found.get().id(), AccountSessions.Reason.ENDED_BY_OPERATOR,
                operatorAddress());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("account", found.get().id());
        body.put("browserSessions", ended.browserSessions());
        body.put("authorizations", ended.authorizations());
        body.put("logoutTokens", ended.notices());
        return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_OK);
    }

    /** The address the operator's request came from, for the audit log. */
    static String operatorAddress() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? attributes.getRequest().getRemoteAddr() : null;
    }
}
