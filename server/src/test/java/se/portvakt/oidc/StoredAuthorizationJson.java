package se.portvakt.oidc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the tests of {@link StoredJson} and {@link AuthorizationRows} compare: Spring's own Jackson mapper for the
 * authorization columns (as {@code JdbcOAuth2AuthorizationService} builds it), and a description of a value that
 * is equal exactly when two values carry the same data in the same classes.
 */
final class StoredAuthorizationJson {

    static final JsonMapper SPRING = JsonMapper.builder()
            .addModules(SecurityJacksonModules.getModules(StoredAuthorizationJson.class.getClassLoader()))
            .build();

    private StoredAuthorizationJson() {}

    static String write(Map<String, Object> map) {
        return SPRING.writeValueAsString(map);
    }

    static Map<String, Object> readBySpring(String json) {
        return SPRING.readValue(json, new TypeReference<Map<String, Object>>() {});
    }

    /** Every field of the authorization, its tokens and their metadata. */
    static Object describe(OAuth2Authorization authorization) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", authorization.getId());
        d.put("client", authorization.getRegisteredClientId());
        d.put("principal", authorization.getPrincipalName());
        d.put("grant", authorization.getAuthorizationGrantType().getValue());
        d.put("scopes", describe(authorization.getAuthorizedScopes()));
        d.put("attributes", describe(authorization.getAttributes()));
        for (var type : List.of(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode.class,
                org.springframework.security.oauth2.core.OAuth2AccessToken.class,
                org.springframework.security.oauth2.core.oidc.OidcIdToken.class,
                org.springframework.security.oauth2.core.OAuth2RefreshToken.class)) {
            OAuth2Authorization.Token<?> token = authorization.getToken(type);
            if (token != null) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("class", token.getToken().getClass().getName());
                t.put("value", token.getToken().getTokenValue());
                t.put("issuedAt", token.getToken().getIssuedAt());
                t.put("expiresAt", token.getToken().getExpiresAt());
                t.put("metadata", describe(token.getMetadata()));
                t.put("claims", describe(token.getClaims()));
                t.put("active", token.isActive());
                if (token.getToken() instanceof org.springframework.security.oauth2.core.OAuth2AccessToken access) {
                    t.put("tokenType", access.getTokenType().getValue());
                    t.put("accessScopes", describe(access.getScopes()));
                }
                d.put(type.getSimpleName(), t);
            }
        }
        return d;
    }

    /** Data and classes, recursively; sets in a fixed order. */
    static Object describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> d = new TreeMap<>();
            map.forEach((k, v) -> d.put(String.valueOf(k), describe(v)));
            return List.of(value.getClass().getName(), d);
        }
        if (value instanceof Collection<?> collection) {
            List<Object> items = new ArrayList<>();
            collection.forEach(item -> items.add(describe(item)));
            if (value instanceof Set) {
                items.sort((a, b) -> a.toString().compareTo(b.toString()));
            }
            return List.of(value.getClass().getName(), items);
        }
        if (value instanceof OAuth2AuthorizationRequest request) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("grant", request.getGrantType().getValue());
            d.put("responseType", request.getResponseType().getValue());
            d.put("authorizationUri", request.getAuthorizationUri());
            d.put("clientId", request.getClientId());
            d.put("redirectUri", String.valueOf(request.getRedirectUri()));
            d.put("scopes", describe(request.getScopes()));
            d.put("state", String.valueOf(request.getState()));
            d.put("additionalParameters", describe(request.getAdditionalParameters()));
            d.put("attributes", describe(request.getAttributes()));
            d.put("authorizationRequestUri", request.getAuthorizationRequestUri());
            return List.of(value.getClass().getName(), d);
        }
        if (value instanceof UsernamePasswordAuthenticationToken person) {
            List<Object> authorities = new ArrayList<>();
            for (GrantedAuthority authority : person.getAuthorities()) {
                authorities.add(describe(authority));
            }
            return List.of(value.getClass().getName(), describe(person.getPrincipal()), describe(person.getCredentials()),
                    describe(person.getDetails()), person.isAuthenticated(), authorities);
        }
        return value.getClass().getName() + ":" + value;
    }
}
