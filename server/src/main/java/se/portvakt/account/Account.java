package se.portvakt.account;

import java.util.Optional;

/**
 * A person who can sign in.
 *
 * @param id the stable, opaque subject identifier that tokens carry as {@code sub}
 * @param passwordHash the stored hash with its encoder prefix, absent until the person sets a password
 */
public record Account(String id, EmailAddress email, String name, boolean emailVerified, Optional<String> passwordHash) {}
