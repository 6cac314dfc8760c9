package se.portvakt.account;

/**
 * Published when an account's password was changed: whoever holds sessions or tokens of the account ends them
 * (browser sessions, refresh tokens), and the person is told by email.
 */
public record PasswordChanged(Account account, String clientAddress) {}
