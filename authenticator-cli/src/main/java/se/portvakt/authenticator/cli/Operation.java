package se.portvakt.authenticator.cli;

/**
 * The device calls of decision 0019, each posted to {@code {issuer}/authenticator/api/{path}}, with the HTTP
 * status that means the server did what was asked.
 */
public enum Operation {

    /** Pairs a new key with the account that showed the pairing code: {@code 201}. */
    PAIR("pair", 201),
    /** Lists the account's sign-in requests still waiting: {@code 200}. */
    PENDING("pending", 200),
    /** Approves (with the number) or denies a request: {@code 200} with an outcome. */
    DECIDE("decide", 200),
    /** "This wasn't me": {@code 200 {"outcome":"reported"}}. */
    REPORT("report", 200),
    /** Sets or clears the device's push subscription: {@code 204}. */
    SUBSCRIPTION("subscription", 204),
    /** Asks the server to forget this device's key: {@code 204}. */
    REMOVE("remove", 204);

    private final String path;
    private final int success;

    Operation(String path, int success) {
        this.path = path;
        this.success = success;
    }

    /** The last segment of the endpoint's path. */
    public String path() {
        return path;
    }

    /** The status of a successful answer. */
    int success() {
        return success;
    }
}
