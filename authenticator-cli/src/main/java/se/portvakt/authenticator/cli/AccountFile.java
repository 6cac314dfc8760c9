package se.portvakt.authenticator.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * The state file: every paired account with its private key (decision 0019: PKCS#8, owner-only permissions), as
 * one JSON document {@code {"accounts":[{issuer, email, device, name, pairedAt, removedAt, publicKey (JWK),
 * privateKey (base64 PKCS#8)}]}}. A change is written to a new file (mode 600 where POSIX) and moved over the old
 * one, under a lock, so that a crash or a second process (a running {@code watch}) never leaves half a file.
 */
final class AccountFile {

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    /** File locks are per process; threads of this process take this lock first. */
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Path path;

    AccountFile(Path path) {
        this.path = path.toAbsolutePath().normalize();
    }

    Path path() {
        return path;
    }

    /** The accounts, none when there is no file yet. */
    List<Account> read() {
        if (!Files.exists(path)) {
            return List.of();
        }
        String json;
        try {
            json = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state file " + path, e);
        }
        try {
            List<Account> accounts = new ArrayList<>();
            for (Object each : JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(json), "accounts")) {
                if (!(each instanceof Map<?, ?> entry)) {
                    throw new ParseException("an account is not an object", 0);
                }
                accounts.add(account(entry));
            }
            return List.copyOf(accounts);
        } catch (ParseException | RuntimeException | GeneralSecurityException e) {
            throw new IllegalStateException("the state file " + path + " is damaged: " + e.getMessage(), e);
        }
    }

    /** Reads, changes and writes the accounts as one step against other threads and processes. */
    List<Account> update(UnaryOperator<List<Account>> change) {
        ReentrantLock inProcess = LOCKS.computeIfAbsent(path, p -> new ReentrantLock());
        inProcess.lock();
        try {
            createDirectory(path.getParent());
            Path lockFile = path.resolveSibling(path.getFileName() + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    List<Account> changed = List.copyOf(change.apply(read()));
                    write(changed);
                    return changed;
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state file " + path, e);
        } finally {
            inProcess.unlock();
        }
    }

    private void write(List<Account> accounts) throws IOException {
        List<Object> entries = new ArrayList<>();
        for (Account account : accounts) {
            entries.add(entry(account));
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("accounts", entries);
        byte[] bytes = JSONObjectUtils.toJSONString(document).getBytes(StandardCharsets.UTF_8);
        Path temporary = Files.createTempFile(path.getParent(), "." + path.getFileName(), ".tmp", ownerOnly(OWNER_FILE));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            try {
                Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(directory, ownerOnly(OWNER_DIRECTORY));
        } catch (FileAlreadyExistsException e) {
            // made by another process meanwhile
        }
    }

    private static FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }

    private static Map<String, Object> entry(Account account) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("issuer", account.issuer().toString());
        entry.put("email", account.email());
        entry.put("device", account.device());
        entry.put("name", account.name());
        entry.put("pairedAt", account.pairedAt().toString());
        if (account.removed()) {
            entry.put("removedAt", account.removedAt().toString());
            return entry;
        }
        entry.put("publicKey", account.key().toPublicJWK().toJSONObject());
        try {
            entry.put("privateKey",
                    Base64.getEncoder().encodeToString(account.key().toECPrivateKey().getEncoded()));
        } catch (JOSEException e) {
            throw new IllegalStateException("the account's key has no private part", e);
        }
        return entry;
    }

    private static Account account(Map<?, ?> raw) throws ParseException, GeneralSecurityException {
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) raw;
        URI issuer = PairingTarget.issuer(required(entry, "issuer"));
        String email = required(entry, "email");
        String device = required(entry, "device");
        String name = required(entry, "name");
        Instant pairedAt = instant(required(entry, "pairedAt"));
        String removedAt = JSONObjectUtils.getString(entry, "removedAt");
        if (removedAt != null) {
            return new Account(issuer, email, device, name, null, pairedAt, instant(removedAt));
        }
        ECKey publicKey = ECKey.parse(JSONObjectUtils.getJSONObject(entry, "publicKey"));
        byte[] pkcs8 = Base64.getDecoder().decode(required(entry, "privateKey"));
        ECPrivateKey privateKey = (ECPrivateKey) KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        ECKey key = new ECKey.Builder(publicKey).privateKey(privateKey).build();
        return new Account(issuer, email, device, name, key, pairedAt, null);
    }

    private static String required(Map<String, Object> entry, String field) throws ParseException {
        String value = JSONObjectUtils.getString(entry, field);
        if (value == null || value.isBlank()) {
            throw new ParseException("an account has no " + field, 0);
        }
        return value;
    }

    private static Instant instant(String text) throws ParseException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ParseException("not an instant: " + text, 0);
        }
    }
}
