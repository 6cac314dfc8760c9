package se.portvakt.authenticator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;

/** The state file keeps every account with its private key, for its owner only, and is never half written. */
class AccountFileTest {

    @TempDir
    Path directory;

    @Test
    void eachAccountGetsItsOwnP256KeyPair() {
        ECKey one = Authenticator.newKey();
        ECKey other = Authenticator.newKey();

        assertThat(one.getCurve()).isEqualTo(Curve.P_256);
        assertThat(one.isPrivate()).isTrue();
        assertThat(one.toPublicJWK()).isNotEqualTo(other.toPublicJWK());
    }

    @Test
    void accountsAndKeysSurviveARoundTrip() throws Exception {
        AccountFile file = new AccountFile(directory.resolve("config/portvakt/accounts.json"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Account erik = new Account(URI.create("https://id.example.com/sso"), "erik@example.com", "dev-1", "Laptop",
                Authenticator.newKey(), now, null);
        Account anna = new Account(URI.create("http://127.0.0.1:8080"), "anna@example.com", "dev-2", "Laptop",
                Authenticator.newKey(), now, null).removedAt(now.plusSeconds(60));

        file.update(accounts -> List.of(erik, anna));
        List<Account> read = file.read();

        assertThat(read).hasSize(2);
        Account erikAgain = read.get(0);
        assertThat(erikAgain.issuer()).isEqualTo(erik.issuer());
        assertThat(erikAgain.email()).isEqualTo("erik@example.com");
        assertThat(erikAgain.device()).isEqualTo("dev-1");
        assertThat(erikAgain.name()).isEqualTo("Laptop");
        assertThat(erikAgain.pairedAt()).isEqualTo(now);
        assertThat(erikAgain.key().toECPrivateKey().getS()).isEqualTo(erik.key().toECPrivateKey().getS());
        assertThat(erikAgain.key().toPublicJWK()).isEqualTo(erik.key().toPublicJWK());
        assertThat(read.get(1).removed()).isTrue();
        assertThat(read.get(1).key()).as("a removed device's key is forgotten").isNull();
        String json = Files.readString(file.path());
        assertThat(json).contains("\"privateKey\"").doesNotContain("\"d\"");
    }

    @Test
    void theFileIsForItsOwnerOnlyAndNoTemporaryFileIsLeft() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path path = directory.resolve("fresh/accounts.json");
        AccountFile file = new AccountFile(path);
        Account erik = new Account(URI.create("https://id.example.com"), "erik@example.com", "dev-1", "Laptop",
                Authenticator.newKey(), Instant.now(), null);

        file.update(accounts -> List.of(erik));
        file.update(accounts -> {
            List<Account> more = new ArrayList<>(accounts);
            more.add(new Account(URI.create("https://id.example.com"), "anna@example.com", "dev-2", "Laptop",
                    Authenticator.newKey(), Instant.now(), null));
            return more;
        });

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent())))
                .isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(path.getParent())) {
            assertThat(files.map(each -> each.getFileName().toString()))
                    .containsExactlyInAnyOrder("accounts.json", "accounts.json.lock");
        }
        assertThat(file.read()).extracting(Account::email).containsExactly("erik@example.com", "anna@example.com");
    }

    @Test
    void noFileIsNoAccountsAndADamagedFileSaysWhere() throws Exception {
        AccountFile file = new AccountFile(directory.resolve("accounts.json"));
        assertThat(file.read()).isEmpty();

        Files.writeString(file.path(), "{\"accounts\":[{\"issuer\":\"https://id.example.com\"}]}");

        assertThatThrownBy(file::read).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.path().toString()).hasMessageContaining("damaged");
    }

    @Test
    void theKeyIsNotPrintedWithTheAccount() {
        Account erik = new Account(URI.create("https://id.example.com"), "erik@example.com", "dev-1", "Laptop",
                Authenticator.newKey(), Instant.now(), null);

        assertThat(erik.toString()).contains("erik@example.com").doesNotContain(erik.key().getD().toString());
    }
}
