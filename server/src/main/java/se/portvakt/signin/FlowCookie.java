package se.portvakt.signin;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

import se.portvakt.account.EmailAddress;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.SecretCipher;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.Step;

/**
 * A sign-in that has proven nothing yet, kept in the browser instead of the database (decision 0065): the application's
 * request that sent the browser here, and then the flow at its email and password steps, sealed with AES-256-GCM under
 * the key every node holds ({@link SecretCipher}, bound to this cookie's purpose), so any node reads it, nobody can
 * read or change it, and a browser that never gets past the password leaves no row behind. Once a factor passes, the
 * flow is stored as before ({@link BrowserFlows}).
 *
 * <p>A session cookie (no Max-Age: the flow's own expiry is sealed inside), HttpOnly, SameSite=Lax (the application
 * sends the browser here with a top-level navigation, and the links from emails arrive the same way), Secure when the
 * issuer is served over TLS. What does not fit in a cookie (an authorization request of several kilobytes) is stored
 * in the database instead; nothing is cut.
 */
@Component
class FlowCookie {

    static final String FLOW = "PORTVAKT_SIGNIN";
    static final String REQUEST = "PORTVAKT_REQUEST";

    /**
     * Browsers keep at least 4096 bytes per cookie, and Tomcat takes 8 KB of request headers: a request that carries
     * both cookies (a new authorization request while an abandoned flow's cookie is still there) and the usual headers
     * must stay under that. A larger value goes to the database instead.
     */
    private static final int MOST_SEALED = 2400;
    private static final byte FORMAT = 1;
    private static final String FLOW_PURPOSE = "signin-flow";
    private static final String REQUEST_PURPOSE = "signin-request";

    private final SecretCipher cipher;
    private final boolean secure;

    FlowCookie(SecretCipher cipher, PortvaktProperties properties) {
        this.cipher = cipher;
        this.secure = properties.secureCookies();
    }

    /** Whether {@code flow} may live in the browser: nothing proven, nothing that only the database may hold. */
    static boolean fits(SignInFlow flow) {
        return (flow.step() == Step.IDENTIFY || flow.step() == Step.PASSWORD) && flow.accountId() == null
                && flow.passedFactors().isEmpty();
    }

    /** The flow this browser holds, expired or not; empty when there is none, or it was altered or sealed elsewhere. */
    Optional<SignInFlow> flow(HttpServletRequest request) {
        return flow(value(request, FLOW));
    }

    /** The flow sealed in a {@link #FLOW} cookie's value; empty when it does not open as one. */
    Optional<SignInFlow> flow(String value) {
        return opened(value, FLOW_PURPOSE).flatMap(FlowCookie::decodeFlow);
    }

    /** {@code flow} sealed as a {@link #FLOW} cookie's value. */
    String sealed(SignInFlow flow) {
        return cipher.encrypt(encode(flow), FLOW_PURPOSE);
    }

    /** Writes {@code flow} (which {@link #fits}); false when it is too large for a cookie, and nothing is written. */
    boolean write(HttpServletResponse response, SignInFlow flow) {
        return write(response, FLOW, FLOW_PURPOSE, encode(flow));
    }

    /** The application's request saved for the sign-in (an absolute URL of this server), if this browser holds one. */
    Optional<String> savedRequest(HttpServletRequest request) {
        return opened(value(request, REQUEST), REQUEST_PURPOSE).flatMap(FlowCookie::decodeRequest);
    }

    /** Saves the application's request; false when it is too large for a cookie. */
    boolean saveRequest(HttpServletResponse response, String url) {
        return write(response, REQUEST, REQUEST_PURPOSE, encodeRequest(url));
    }

    void clear(HttpServletRequest request, HttpServletResponse response, String name) {
        if (present(request, name)) {
            response.addHeader(HttpHeaders.SET_COOKIE, cookie(name, "").maxAge(Duration.ZERO).build().toString());
        }
    }

    private boolean write(HttpServletResponse response, String name, String purpose, byte[] plain) {
        if (plain == null) {
            return false;
        }
        String sealed = cipher.encrypt(plain, purpose);
        if (sealed.length() > MOST_SEALED) {
            return false;
        }
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(name, sealed).build().toString());
        return true;
    }

    private ResponseCookie.ResponseCookieBuilder cookie(String name, String value) {
        return ResponseCookie.from(name, value).path("/").httpOnly(true).secure(secure).sameSite("Lax");
    }

    private Optional<byte[]> opened(String value, String purpose) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(cipher.decrypt(value, purpose));
        } catch (IllegalStateException altered) {
            // Altered, truncated, or sealed under another key (a rotated encryption key): as if there were none.
            return Optional.empty();
        }
    }

    private static boolean present(HttpServletRequest request, String name) {
        return value(request, name) != null;
    }

    private static String value(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (name.equals(cookie.getName())) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    private static byte[] encode(SignInFlow flow) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(flow.id());
            out.writeUTF(flow.step().name());
            out.writeUTF(flow.email() == null ? "" : flow.email().value());
            out.writeUTF(flow.clientId() == null ? "" : flow.clientId());
            out.writeUTF(flow.continueUrl());
            out.writeInt(flow.attempts());
            out.writeLong(flow.createdAt().toEpochMilli());
            out.writeLong(flow.expiresAt().toEpochMilli());
        } catch (IOException tooLong) {
            return null; // a part of more than 64 KB: the database keeps it
        }
        return bytes.toByteArray();
    }

    private static Optional<SignInFlow> decodeFlow(byte[] plain) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
            if (in.readByte() != FORMAT) {
                return Optional.empty();
            }
            String id = in.readUTF();
            Step step = Step.valueOf(in.readUTF());
            String email = in.readUTF();
            String client = in.readUTF();
            String continueUrl = in.readUTF();
            int attempts = in.readInt();
            Instant created = Instant.ofEpochMilli(in.readLong());
            Instant expires = Instant.ofEpochMilli(in.readLong());
            return Optional.of(new SignInFlow(id, step, email.isEmpty() ? null : new EmailAddress(email), null,
                    client.isEmpty() ? null : client, continueUrl, List.of(), attempts, created, expires));
        } catch (IOException | IllegalArgumentException unreadable) {
            // Sealed by this server, so only a format of another version: as if there were none.
            return Optional.empty();
        }
    }

    private static byte[] encodeRequest(String url) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(url.length() + 3);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(url);
        } catch (IOException tooLong) {
            return null;
        }
        return bytes.toByteArray();
    }

    private static Optional<String> decodeRequest(byte[] plain) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
            return in.readByte() == FORMAT ? Optional.of(in.readUTF()) : Optional.empty();
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }
}
