package se.portvakt.client;

/** The three kinds of application that use Portvakt. */
public enum ClientType {
    /** A server-side web application with a secret (confidential client). */
    WEB,
    /** A mobile or desktop app that cannot keep a secret (public client: PKCE required, refresh tokens rotated). */
    NATIVE,
    /** A machine-to-machine client using client credentials; no person signs in. */
    MACHINE
}
