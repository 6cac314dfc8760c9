package se.portvakt.password;

import static org.assertj.core.api.Assertions.assertThat;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import org.junit.jupiter.api.Test;

/**
 * Argon2id computed in a turn's own block gives the same PHC strings as libargon2's own functions, and checks
 * theirs: only where the working memory comes from differs.
 */
class Argon2idInBlockTest {

    private static final String PASSWORD = "kvällssol över sjön 🔒";
    private static final Argon2 LIBRARY = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id, 16, 32);

    private final Argon2idEncoder inBlocks = kept(Argon2idEncoder.owasp(new Turns(1)));
    private final Argon2idEncoder withoutBlocks = Argon2idEncoder.owasp(new Turns(1));

    @Test
    void aHashMadeInABlockIsTheLibrarysPhcStringAndTheLibraryChecksIt() {
        String hash = inBlocks.encode(PASSWORD);

        assertThat(hash).matches("^\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$");
        assertThat(LIBRARY.verify(hash, PASSWORD.toCharArray())).isTrue();
        assertThat(LIBRARY.verify(hash, "kvällssol över sjön".toCharArray())).isFalse();
        assertThat(inBlocks.encode(PASSWORD)).as("salted").isNotEqualTo(hash);
    }

    @Test
    void aBlockChecksTheLibrarysHashes() {
        String hash = LIBRARY.hash(2, 19_456, 1, PASSWORD.toCharArray());

        assertThat(inBlocks.matches(PASSWORD, hash)).isTrue();
        assertThat(inBlocks.matches("kvällssol över sjön", hash)).isFalse();
        assertThat(inBlocks.matches("", hash)).isFalse();
    }

    @Test
    void theEmptyPasswordIsAPasswordLikeAnyOther() {
        String hash = LIBRARY.hash(1, 4096, 1, new char[0]);
        assertThat(inBlocks.matches("", hash)).isTrue();
        assertThat(inBlocks.matches(" ", hash)).isFalse();
    }

    @Test
    void aStoredHashWithMoreMemoryThanTheBlockIsCheckedByTheLibraryAlone() {
        String larger = LIBRARY.hash(1, 32_768, 1, PASSWORD.toCharArray());
        assertThat(Argon2idInBlock.fits(new com.sun.jna.Memory(Argon2idInBlock.bytesFor(19_456)), larger)).isFalse();

        assertThat(inBlocks.matches(PASSWORD, larger)).isTrue();
        assertThat(inBlocks.matches("not it", larger)).isFalse();
    }

    @Test
    void damagedStoredStringsMatchNothing() {
        String hash = LIBRARY.hash(1, 4096, 1, PASSWORD.toCharArray());
        String salt = hash.substring(0, hash.lastIndexOf('$'));
        for (String damaged : new String[] {
                salt + "$", salt + "$!!!!", salt + "$QUJD", hash.replace("$v=19$", "$v=16$"),
                hash.replace("m=4096", "m=999999999"), hash.replace("t=1", "t=0"), "$argon2id$v=19$m=4096,t=1,p=1$$",
                hash + "$", hash.substring(0, 40)}) {
            assertThat(inBlocks.matches(PASSWORD, damaged)).as(damaged).isFalse();
            assertThat(withoutBlocks.matches(PASSWORD, damaged)).as(damaged).isFalse();
        }
    }

    @Test
    void withoutBlocksTheLibraryComputesAndBothAgree() {
        String hash = withoutBlocks.encode(PASSWORD);
        assertThat(inBlocks.matches(PASSWORD, hash)).isTrue();
        assertThat(withoutBlocks.matches(PASSWORD, inBlocks.encode(PASSWORD))).isTrue();
    }

    private static Argon2idEncoder kept(Argon2idEncoder encoder) {
        encoder.keepBlocks();
        return encoder;
    }
}
