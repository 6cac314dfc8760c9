package se.flexhrm.mobile;

import com.nimbusds.oauth2.sdk.ErrorObject;

/** An OAuth error from the provider (on the redirect or from the token endpoint) in words for the person. */
final class ProviderError {

    private ProviderError() {}

    /** {@code what} ("the sign-in", "the refresh") failed, and why, with the provider's own code and description. */
    static SignInFailed describe(String what, ErrorObject error) {
        String code = Terminal.safe(error.getCode());
        String detail = error.getDescription() == null ? "" : ": " + Terminal.safe(error.getDescription());
        String reason = switch (error.getCode() == null ? "" : error.getCode()) {
            case "access_denied" -> what + " was cancelled or refused in the browser";
            case "login_required", "interaction_required", "consent_required" -> what + " needs the person in the browser";
            case "invalid_grant" -> what + " was refused: the code or refresh token is spent, expired or revoked";
            case "invalid_client", "unauthorized_client" -> what + " was refused: the provider does not know this client"
                    + " as a native app (see --client-id)";
            case "invalid_scope" -> what + " asked for a scope the client does not have";
            default -> what + " was refused by the identity provider";
        };
        return new SignInFailed(reason + " (" + code + detail + ").");
    }
}
