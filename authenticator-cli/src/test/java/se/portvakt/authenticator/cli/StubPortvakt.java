package se.portvakt.authenticator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Portvakt's device API on 127.0.0.1, answering as decision 0019 says: it checks every message
 * (typ, alg, signature by the key from the pairing, htu, iat, single-use jti) as the server must, and records what
 * arrived, so a test sees both what the client sent and what it made of the answers.
 */
final class StubPortvakt implements AutoCloseable {

    /** A message that arrived and passed the checks. */
    record Received(String operation, JWSObject jws, Map<String, Object> claims) {}

    /** A sign-in waiting for {@code email}'s approval; {@code number} is the one the browser shows. */
    static final class Request {
        final String id;
        final String email;
        final int number;
        final List<Integer> numbers;
        final boolean typeNumber;
        volatile String state = "pending";
        volatile boolean reported;

        Request(String id, String email, int number, List<Integer> numbers, boolean typeNumber) {
            this.id = id;
            this.email = email;
            this.number = number;
            this.numbers = numbers;
            this.typeNumber = typeNumber;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    final List<Received> received = new CopyOnWriteArrayList<>();
    final Map<String, Object> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private final Map<String, ECKey> devices = new ConcurrentHashMap<>();
    private final Map<String, String> deviceEmails = new ConcurrentHashMap<>();
    private final Set<String> seenJtis = Collections.synchronizedSet(new HashSet<>());
    private final Map<String, Request> requests = Collections.synchronizedMap(new LinkedHashMap<>());
    private final HttpServer http;
    private final URI issuer;

    private StubPortvakt(String path) throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
        http.createContext(path + "/authenticator/api/", this::handle);
        http.start();
    }

    static StubPortvakt start() throws IOException {
        return new StubPortvakt("");
    }

    /** A server whose issuer has a path, e.g. behind a reverse proxy at {@code /id}. */
    static StubPortvakt startAt(String path) throws IOException {
        return new StubPortvakt(path);
    }

    URI issuer() {
        return issuer;
    }

    /** A fresh single-use pairing code for the account, as the browser would show it. */
    String pairingCode(String email) {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            code.append(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length())));
        }
        codes.put(code.toString(), email);
        return code.toString();
    }

    /** A sign-in waiting for the account; the browser shows {@code number}, the second of the three. */
    Request signIn(String email, int number, boolean typeNumber) {
        String id = "req-" + RANDOM.nextInt(1_000_000);
        Request request = new Request(id, email, number, List.of(number - 1, number, number + 1), typeNumber);
        requests.put(id, request);
        return request;
    }

    /** Forgets a device, as "remove" in the account's security settings would. */
    void removeDevice(String device) {
        devices.remove(device);
    }

    List<Received> received(String operation) {
        return received.stream().filter(each -> each.operation().equals(operation)).toList();
    }

    @Override
    public void close() {
        http.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String operation = exchange.getRequestURI().getPath()
                    .substring(exchange.getRequestURI().getPath().lastIndexOf('/') + 1);
            if (!exchange.getRequestMethod().equals("POST")
                    || !"application/jose".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                answer(exchange, 400, error("invalid_request", "POST application/jose"));
                return;
            }
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            JWSObject jws;
            try {
                jws = JWSObject.parse(body);
            } catch (ParseException e) {
                answer(exchange, 400, error("invalid_request", "not a JWS"));
                return;
            }
            if (operation.equals("pair")) {
                pair(exchange, jws);
            } else {
                device(exchange, operation, jws);
            }
        } catch (RuntimeException | JOSEException | ParseException e) {
            answer(exchange, 400, error("invalid_request", String.valueOf(e)));
        }
    }

    private void pair(HttpExchange exchange, JWSObject jws) throws IOException, JOSEException, ParseException {
        JWK jwk = jws.getHeader().getJWK();
        if (!jws.getHeader().getAlgorithm().equals(JWSAlgorithm.ES256)
                || !"portvakt-pair+jwt".equals(String.valueOf(jws.getHeader().getType()))
                || !(jwk instanceof ECKey key) || !key.getCurve().equals(Curve.P_256) || key.isPrivate()
                || !jws.verify(new ECDSAVerifier(key))) {
            answer(exchange, 400, error("invalid_request", "bad header or signature"));
            return;
        }
        Map<String, Object> claims = jws.getPayload().toJSONObject();
        String refusal = timely(claims, "pair");
        if (refusal != null || JSONObjectUtils.getString(claims, "name") == null) {
            answer(exchange, 400, error("invalid_request", refusal == null ? "no name" : refusal));
            return;
        }
        String email = codes.remove(String.valueOf(claims.get("code")));
        if (email == null) {
            answer(exchange, 400, error("invalid_code", "unknown, expired or used"));
            return;
        }
        String device = "dev-" + RANDOM.nextInt(1_000_000);
        devices.put(device, key);
        deviceEmails.put(device, email);
        if (claims.get("push") != null) {
            subscriptions.put(device, claims.get("push"));
        }
        received.add(new Received("pair", jws, claims));
        answer(exchange, 201, JSONObjectUtils.toJSONString(
                Map.of("device", device, "email", email, "issuer", issuer.toString())));
    }

    private void device(HttpExchange exchange, String operation, JWSObject jws)
            throws IOException, JOSEException, ParseException {
        String device = jws.getHeader().getKeyID();
        ECKey key = device == null ? null : devices.get(device);
        if (!jws.getHeader().getAlgorithm().equals(JWSAlgorithm.ES256)
                || !"portvakt-device+jwt".equals(String.valueOf(jws.getHeader().getType()))) {
            answer(exchange, 400, error("invalid_request", "wrong typ or alg"));
            return;
        }
        if (key == null) {
            answer(exchange, 401, error("unknown_device", "Unknown device: it was removed, or 2FA was turned off."));
            return;
        }
        if (!jws.verify(new ECDSAVerifier(key))) {
            answer(exchange, 401, error("invalid_signature", "The signature does not verify."));
            return;
        }
        Map<String, Object> claims = jws.getPayload().toJSONObject();
        String refusal = timely(claims, operation);
        if (refusal != null) {
            answer(exchange, refusal.startsWith("htu") ? 400 : 401,
                    error(refusal.startsWith("htu") ? "invalid_request" : "invalid_signature", refusal));
            return;
        }
        received.add(new Received(operation, jws, claims));
        String email = deviceEmails.get(device);
        switch (operation) {
            case "pending" -> answer(exchange, 200, JSONObjectUtils.toJSONString(Map.of("requests", waiting(email))));
            case "decide" -> answer(exchange, 200, outcome(decide(email, claims)));
            case "report" -> {
                Request request = requests.get(String.valueOf(claims.get("request")));
                if (request == null || !request.email.equals(email)) {
                    answer(exchange, 400, error("invalid_request", "no such request"));
                    return;
                }
                request.reported = true;
                answer(exchange, 200, outcome("reported"));
            }
            case "subscription" -> {
                if (claims.get("push") == null) {
                    subscriptions.remove(device);
                } else {
                    subscriptions.put(device, claims.get("push"));
                }
                answer(exchange, 204, null);
            }
            case "remove" -> {
                devices.remove(device);
                answer(exchange, 204, null);
            }
            default -> answer(exchange, 404, error("not_found", operation));
        }
    }

    /** Checks htu, iat and jti as 0019 says; {@code null} when they pass. */
    private String timely(Map<String, Object> claims, String operation) {
        if (!(issuer + "/authenticator/api/" + operation).equals(claims.get("htu"))) {
            return "htu is not this endpoint";
        }
        if (!(claims.get("iat") instanceof Number iat)
                || Math.abs(iat.longValue() - Instant.now().getEpochSecond()) > 120) {
            return "iat is not now";
        }
        if (!(claims.get("jti") instanceof String jti) || jti.length() < 22 || !seenJtis.add(jti)) {
            return "jti missing or replayed";
        }
        return null;
    }

    private List<Object> waiting(String email) {
        List<Object> list = new ArrayList<>();
        synchronized (requests) {
            for (Request request : requests.values()) {
                if (request.email.equals(email) && request.state.equals("pending")) {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("id", request.id);
                    json.put("application", "Flex HRM");
                    json.put("address", "192.0.2.7");
                    json.put("place", null);
                    json.put("createdAt", Instant.now().minusSeconds(5).toString());
                    json.put("expiresAt", Instant.now().plusSeconds(115).toString());
                    json.put("numbers", request.numbers);
                    json.put("typeNumber", request.typeNumber);
                    list.add(json);
                }
            }
        }
        return list;
    }

    private String decide(String email, Map<String, Object> claims) {
        Request request = requests.get(String.valueOf(claims.get("request")));
        if (request == null || !request.email.equals(email)) {
            return "expired";
        }
        synchronized (request) {
            if (!request.state.equals("pending")) {
                return "decided";
            }
            if ("deny".equals(claims.get("decision"))) {
                request.state = "denied";
                return "denied";
            }
            boolean right = claims.get("number") instanceof Number number && number.intValue() == request.number;
            request.state = right ? "approved" : "denied";
            return right ? "approved" : "wrong-number";
        }
    }

    private static String outcome(String outcome) {
        return JSONObjectUtils.toJSONString(Map.of("outcome", outcome));
    }

    private static String error(String error, String description) {
        return JSONObjectUtils.toJSONString(Map.of("error", error, "error_description", description));
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        if (json == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
