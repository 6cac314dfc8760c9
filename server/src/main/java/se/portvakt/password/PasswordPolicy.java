package se.portvakt.password;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

import se.portvakt.account.EmailAddress;
import se.portvakt.config.PortvaktProperties;

/**
 * The rules for a new password, after NIST SP 800-63B: a minimum length (configurable), a generous maximum,
 * no composition rules, and not a common or breached password, nor the person's own email address.
 */
@Component
public class PasswordPolicy {

    /** One rule a new password breaks; the message key names it for the person. */
    public enum Violation {
        TOO_SHORT("password.rule.too-short"),
        TOO_LONG("password.rule.too-long"),
        COMMON("password.rule.common"),
        CONTAINS_EMAIL("password.rule.contains-email");

        private final String messageKey;

        Violation(String messageKey) {
            this.messageKey = messageKey;
        }

        public String messageKey() {
            return messageKey;
        }
    }

    private final int minLength;
    private final int maxLength;
    private volatile Set<String> common;

    @Autowired
    public PasswordPolicy(PortvaktProperties properties) {
        this(properties.password().minLength(), properties.password().maxLength(), null);
    }

    /** With {@code common} null, the shipped list is read on first use (start-up stays fast). */
    PasswordPolicy(int minLength, int maxLength, Set<String> common) {
        if (minLength < 8) {
            throw new IllegalArgumentException("portvakt.password.min-length must be at least 8 (NIST SP 800-63B)");
        }
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.common = common;
    }

    public int minLength() {
        return minLength;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Every rule the password breaks; empty when it may be used. Length counts Unicode code points. */
    public List<Violation> check(String password, EmailAddress email) {
        List<Violation> violations = new ArrayList<>();
        int length = password.codePointCount(0, password.length());
        if (length < minLength) {
            violations.add(Violation.TOO_SHORT);
        }
        if (length > maxLength) {
            violations.add(Violation.TOO_LONG);
        }
        String folded = password.toLowerCase(Locale.ROOT);
        if (commonPasswords().contains(folded)) {
            violations.add(Violation.COMMON);
        }
        if (email != null) {
            String localPart = email.value().substring(0, email.value().indexOf('@'));
            if (folded.contains(email.value()) || (localPart.length() >= 4 && folded.contains(localPart))) {
                violations.add(Violation.CONTAINS_EMAIL);
            }
        }
        return violations;
    }

    private Set<String> commonPasswords() {
        Set<String> words = common;
        if (words == null) {
            words = loadCommonPasswords();
            common = words;
        }
        return words;
    }

    static Set<String> loadCommonPasswords() {
        Set<String> words = new HashSet<>(65_536);
        var resource = new ClassPathResource("password/common-passwords.txt");
        try (var reader = new BufferedReader(new InputStreamReader(resource.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isEmpty() && line.charAt(0) != '#') {
                    words.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the common-password list is missing from the build", e);
        }
        return words;
    }
}
