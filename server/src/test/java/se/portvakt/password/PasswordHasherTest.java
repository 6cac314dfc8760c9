package se.portvakt.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;

import se.portvakt.password.PasswordHasher.Verification;

/** Passwords are stored as Argon2id; hashes imported from the old login system still work and get upgraded. */
class PasswordHasherTest {

    private static final PasswordHasher HASHER = new PasswordHasher();

    @Test
    void aNewHashIsArgon2idWithTheOwaspParametersInPhcForm() {
        String hash = HASHER.hash("correct horse battery staple");
        assertThat(hash).matches("^\\{argon2}\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$");
        assertThat(HASHER.hash("correct horse battery staple")).as("salted").isNotEqualTo(hash);
    }

    @Test
    void theRightPasswordMatchesAndNeedsNoRehash() {
        String hash = HASHER.hash("kvällssol över sjön 🔒");
        assertThat(HASHER.verify("kvällssol över sjön 🔒", hash)).isEqualTo(new Verification(true, false));
        assertThat(HASHER.verify("kvällssol över sjön", hash)).isEqualTo(new Verification(false, false));
    }

    @Test
    void anImportedBcryptHashVerifiesAndAsksForRehash() {
        String hash = "{bcrypt}" + new BCryptPasswordEncoder(4).encode("old system password");
        assertThat(HASHER.isSupported(hash)).isTrue();
        assertThat(HASHER.verify("old system password", hash)).isEqualTo(new Verification(true, true));
        assertThat(HASHER.verify("wrong password", hash)).isEqualTo(new Verification(false, false));
    }

    @Test
    void anImportedPbkdf2HashVerifiesAndAsksForRehash() {
        String hash = "{pbkdf2}" + Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode("old system password");
        assertThat(HASHER.isSupported(hash)).isTrue();
        assertThat(HASHER.verify("old system password", hash)).isEqualTo(new Verification(true, true));
        assertThat(HASHER.verify("wrong password", hash)).isEqualTo(new Verification(false, false));
    }

    @Test
    void aWeakerArgon2HashAsksForRehash() {
        String weak = "{argon2}" + new Argon2idEncoder(4096, 1, 1, Turns.perProcessor()).encode("old parameters");
        assertThat(HASHER.verify("old parameters", weak)).isEqualTo(new Verification(true, true));
    }

    @Test
    void aShapeIsTheKindAndParametersWithoutSaltOrHash() {
        String bcrypt10 = "{bcrypt}" + new BCryptPasswordEncoder(10).encode("a");
        assertThat(PasswordHasher.shape(bcrypt10)).isEqualTo("{bcrypt}$2a$10$");
        assertThat(PasswordHasher.shape("{bcrypt}" + new BCryptPasswordEncoder(4).encode("a"))).isEqualTo("{bcrypt}$2a$04$");
        assertThat(PasswordHasher.shape(HASHER.hash("a"))).isEqualTo("{argon2}$argon2id$v=19$m=19456,t=2,p=1$")
                .isEqualTo(HASHER.currentShape());
        String weak = "{argon2}" + new Argon2idEncoder(4096, 1, 1, Turns.perProcessor()).encode("a");
        assertThat(PasswordHasher.shape(weak)).isEqualTo("{argon2}$argon2id$v=19$m=4096,t=1,p=1$");
        assertThat(PasswordHasher.shape("{pbkdf2}" + Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode("a")))
                .isEqualTo("{pbkdf2}");
    }

    @Test
    void aHasherPaddedForImportedHashesStillTellsRightFromWrong() {
        PasswordHasher padded = new PasswordHasher();
        String bcrypt = "{bcrypt}" + new BCryptPasswordEncoder(4).encode("old system password");
        String weak = "{argon2}" + new Argon2idEncoder(4096, 1, 1, Turns.perProcessor()).encode("older parameters");
        padded.padTo(List.of(bcrypt, weak, "{md5}not supported", "{bcrypt}damaged"));

        assertThat(padded.verify("old system password", bcrypt)).isEqualTo(new Verification(true, true));
        assertThat(padded.verify("older parameters", bcrypt)).isEqualTo(new Verification(false, false));
        assertThat(padded.verify("older parameters", weak)).isEqualTo(new Verification(true, true));
        String current = padded.hash("a new password");
        assertThat(padded.verify("a new password", current)).isEqualTo(new Verification(true, false));
        assertThat(padded.verify("old system password", current)).isEqualTo(new Verification(false, false));
        assertThat(padded.verify("old system password", null)).isEqualTo(new Verification(false, false));
    }

    @Test
    void anUnknownPrefixIsACleanNoNotAnException() {
        assertThat(HASHER.verify("secret", "{md5}5ebe2294ecd0e0f08eab7690d2a6ee69")).isEqualTo(new Verification(false, false));
        assertThat(HASHER.verify("secret", "no prefix at all")).isEqualTo(new Verification(false, false));
        assertThat(HASHER.isSupported("{md5}5ebe2294ecd0e0f08eab7690d2a6ee69")).isFalse();
        assertThat(HASHER.isSupported(null)).isFalse();
    }

    @Test
    void aDamagedStoredHashIsACleanNoNotAnException() {
        assertThat(HASHER.verify("secret", "{argon2}$argon2id$v=19$m=19456,t=2,p=1$broken")).isEqualTo(new Verification(false, false));
        assertThat(HASHER.verify("secret", "{argon2}garbage")).isEqualTo(new Verification(false, false));
        assertThat(HASHER.verify("secret", "{bcrypt}garbage")).isEqualTo(new Verification(false, false));
        assertThat(HASHER.verify("secret", "{pbkdf2}zz-not-hex")).isEqualTo(new Verification(false, false));
    }

    @Test
    void noStoredHashIsANoAfterTheSameWork() {
        assertThat(HASHER.verify("anything", null)).isEqualTo(new Verification(false, false));
    }

    @Test
    void aPasswordLongerThanBcryptAcceptsIsACleanNo() {
        String hash = "{bcrypt}" + new BCryptPasswordEncoder(4).encode("short");
        assertThat(HASHER.verify("x".repeat(100), hash)).isEqualTo(new Verification(false, false));
    }
}
