package se.portvakt.oidc;

import java.math.BigDecimal;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON that Spring Authorization Server keeps in an authorization row's {@code attributes} and token
 * {@code *_metadata} columns (Jackson with {@code @class} type ids) for the shapes Portvakt's flows store: the
 * signed-in person ({@link UsernamePasswordAuthenticationToken} with factor authorities), the
 * {@link OAuth2AuthorizationRequest}, token claims (strings, booleans, integers, instants, dates, URLs, lists, sets)
 * and the invalidated flags.
 *
 * <p>Why: Spring's Jackson deserializers for those types re-introspect their target types at every call
 * (spring-projects/spring-security#19223), which made reading a row the largest cost of a refresh. This reads
 * Jackson's tree, which needs no type introspection, and builds the objects itself. It returns
 * {@link #UNKNOWN} for anything it does not know (another type, a principal that is an object, request details),
 * so that the caller hands the whole row to Spring's own mapper: never a guess. The format written is Spring's,
 * unchanged.
 */
final class StoredJson {

    /** Returned when the JSON holds something this reader does not know; the caller falls back to Spring's mapper. */
    static final Object UNKNOWN = new Object();

    private static final String CLASS = "@class";

    /** Only the tree: no default typing, no modules; decimals kept exact for instants with nanoseconds. */
    private static final JsonMapper TREE = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private StoredJson() {}

    /** The map stored in an attributes or metadata column, or {@link #UNKNOWN}. */
    static Object readMap(String json) {
        JsonNode root;
        try {
            root = TREE.readTree(json);
        } catch (JacksonException e) {
            return UNKNOWN;
        }
        if (root == null || !root.isObject()) {
            return UNKNOWN;
        }
        try {
            return value(root);
        } catch (Unknown | RuntimeException e) {
            return UNKNOWN;
        }
    }

    private static final class Unknown extends Exception {
        private static final long serialVersionUID = 1L;

        Unknown() {
            super(null, null, false, false);
        }
    }

    private static Object value(JsonNode node) throws Unknown {
        if (node.isString()) {
            return node.stringValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isInt()) {
            return node.intValue();
        }
        if (node.isLong()) {
            return node.longValue();
        }
        if (node.isObject()) {
            return object(node);
        }
        if (node.isArray() && node.size() == 2 && node.get(0).isString()) {
            return typed(node.get(0).stringValue(), node.get(1));
        }
        throw new Unknown();
    }

    private static Object object(JsonNode node) throws Unknown {
        JsonNode type = node.get(CLASS);
        if (type == null || !type.isString()) {
            throw new Unknown();
        }
        return switch (type.stringValue()) {
            case "java.util.Collections$UnmodifiableMap" -> Collections.unmodifiableMap(map(node));
            case "java.util.LinkedHashMap", "java.util.HashMap" -> map(node);
            case "org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest" -> authorizationRequest(node);
            case "org.springframework.security.authentication.UsernamePasswordAuthenticationToken" -> person(node);
            case "org.springframework.security.core.authority.FactorGrantedAuthority" -> FactorGrantedAuthority
                    .withAuthority(requiredString(node, "authority"))
                    .issuedAt(factorTime(required(node, "issuedAt")))
                    .build();
            case "org.springframework.security.core.authority.SimpleGrantedAuthority" ->
                    new SimpleGrantedAuthority(requiredString(node, "authority"));
            default -> throw new Unknown();
        };
    }

    private static Map<String, Object> map(JsonNode node) throws Unknown {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            if (!CLASS.equals(property.getKey())) {
                map.put(property.getKey(), value(property.getValue()));
            }
        }
        return map;
    }

    private static Object typed(String type, JsonNode value) throws Unknown {
        return switch (type) {
            case "java.time.Instant" -> instant(value);
            case "java.util.Date" -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                    throw new Unknown();
                }
                yield new Date(value.longValue());
            }
            case "java.net.URL" -> {
                if (!value.isString()) {
                    throw new Unknown();
                }
                try {
                    yield URI.create(value.stringValue()).toURL();
                } catch (MalformedURLException | IllegalArgumentException e) {
                    throw new Unknown();
                }
            }
            case "java.util.Collections$UnmodifiableSet" -> Collections.unmodifiableSet(elements(value, new LinkedHashSet<>()));
            case "java.util.LinkedHashSet" -> elements(value, new LinkedHashSet<>());
            case "java.util.HashSet" -> elements(value, new HashSet<>());
            case "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$UnmodifiableList" ->
                    Collections.unmodifiableList(elements(value, new ArrayList<>()));
            case "java.util.ArrayList" -> elements(value, new ArrayList<>());
            case "java.util.Collections$SingletonList" -> {
                List<Object> one = elements(value, new ArrayList<>());
                if (one.size() != 1) {
                    throw new Unknown();
                }
                yield Collections.singletonList(one.get(0));
            }
            default -> throw new Unknown();
        };
    }

    private static <C extends java.util.Collection<Object>> C elements(JsonNode array, C into) throws Unknown {
        if (!array.isArray()) {
            throw new Unknown();
        }
        for (JsonNode element : array.values()) {
            into.add(value(element));
        }
        return into;
    }

    /** Jackson writes an instant as decimal seconds with nanoseconds ({@code 1795627396.977366851}). */
    private static Instant instant(JsonNode node) throws Unknown {
        if (!node.isNumber()) {
            throw new Unknown();
        }
        BigDecimal seconds = node.decimalValue();
        if (seconds.scale() > 9 || seconds.signum() < 0) {
            throw new Unknown();
        }
        long whole = seconds.longValue();
        int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValueExact();
        return Instant.ofEpochSecond(whole, nanos);
    }

    /**
     * Spring's reader takes a factor's time through a double (microsecond precision at today's dates); the same
     * here, so that a row reads the same whichever mapper reads it.
     */
    private static Instant factorTime(JsonNode node) throws Unknown {
        if (!node.isNumber()) {
            throw new Unknown();
        }
        BigDecimal seconds = BigDecimal.valueOf(node.doubleValue());
        if (seconds.signum() < 0) {
            throw new Unknown();
        }
        long whole = seconds.longValue();
        return Instant.ofEpochSecond(whole, seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue());
    }

    private static OAuth2AuthorizationRequest authorizationRequest(JsonNode node) throws Unknown {
        JsonNode grant = required(node, "authorizationGrantType");
        if (!AuthorizationGrantType.AUTHORIZATION_CODE.getValue().equalsIgnoreCase(optionalString(grant, "value"))) {
            throw new Unknown();
        }
        OAuth2AuthorizationRequest.Builder builder = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(requiredString(node, "authorizationUri"))
                .clientId(requiredString(node, "clientId"))
                .redirectUri(optionalString(node, "redirectUri"))
                .state(optionalString(node, "state"));
        JsonNode scopes = node.get("scopes");
        if (scopes != null && !scopes.isNull()) {
            Set<String> names = new LinkedHashSet<>();
            for (Object scope : collection(value(scopes))) {
                if (!(scope instanceof String name)) {
                    throw new Unknown();
                }
                names.add(name);
            }
            builder.scopes(names);
        }
        builder.additionalParameters(stringMap(node.get("additionalParameters")));
        String requestUri = optionalString(node, "authorizationRequestUri");
        if (requestUri != null) {
            builder.authorizationRequestUri(requestUri);
        }
        builder.attributes(stringMap(node.get("attributes")));
        return builder.build();
    }

    /** Only a person signed in by Portvakt: a plain principal name, no credentials kept, no request details. */
    private static UsernamePasswordAuthenticationToken person(JsonNode node) throws Unknown {
        JsonNode principal = required(node, "principal");
        JsonNode credentials = node.get("credentials");
        JsonNode details = node.get("details");
        JsonNode authenticated = required(node, "authenticated");
        if (!principal.isString() || !authenticated.isBoolean()
                || (credentials != null && !credentials.isNull())
                || (details != null && !details.isNull())) {
            throw new Unknown();
        }
        if (!authenticated.booleanValue()) {
            return UsernamePasswordAuthenticationToken.unauthenticated(principal.stringValue(), null);
        }
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (Object authority : collection(value(required(node, "authorities")))) {
            if (!(authority instanceof GrantedAuthority granted)) {
                throw new Unknown();
            }
            authorities.add(granted);
        }
        return UsernamePasswordAuthenticationToken.authenticated(principal.stringValue(), null, authorities);
    }

    private static java.util.Collection<?> collection(Object value) throws Unknown {
        if (value instanceof java.util.Collection<?> collection) {
            return collection;
        }
        throw new Unknown();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringMap(JsonNode node) throws Unknown {
        if (node == null || node.isNull()) {
            return Collections.emptyMap();
        }
        if (value(node) instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new Unknown();
    }

    private static JsonNode required(JsonNode node, String name) throws Unknown {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new Unknown();
        }
        return value;
    }

    private static String requiredString(JsonNode node, String name) throws Unknown {
        JsonNode value = required(node, name);
        if (!value.isString()) {
            throw new Unknown();
        }
        return value.stringValue();
    }

    private static String optionalString(JsonNode node, String name) throws Unknown {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new Unknown();
        }
        return value.stringValue();
    }
}
