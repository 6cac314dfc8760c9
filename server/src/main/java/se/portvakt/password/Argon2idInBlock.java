package se.portvakt.password;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import de.mkammerer.argon2.jna.Argon2Library;
import de.mkammerer.argon2.jna.Argon2_context;
import de.mkammerer.argon2.jna.Argon2_version;
import de.mkammerer.argon2.jna.JnaUint32;
import de.mkammerer.argon2.jna.Size_t;

/**
 * Argon2id computed by libargon2 in a block of memory given to it ({@link Turns}), through the library's context API
 * and its allocation callbacks, instead of memory the library allocates and frees at every computation. The same
 * algorithm and the same PHC strings as {@code argon2id_hash_encoded} and {@code argon2id_verify}; only where the
 * working memory comes from differs. libargon2 wipes the block after each computation, before handing it back.
 */
final class Argon2idInBlock {

    /** {@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}, salt and hash in unpadded standard Base64. */
    private static final Pattern PHC = Pattern.compile(
            "^\\$argon2id\\$v=19\\$m=(\\d{1,9}),t=(\\d{1,9}),p=(\\d{1,3})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)$");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_IN = Base64.getDecoder();
    private static final int VERSION_13 = 0x13;
    private static final int ARGON2_OK = 0;
    private static final int ARGON2_MEMORY_ALLOCATION_ERROR = -22;
    private static final int ARGON2_FLAG_CLEAR_PASSWORD = 1;
    private static final int BLOCK_BYTES = 1024;

    /** The block of the computation running on this thread; the library calls back on the calling thread. */
    private static final ThreadLocal<Memory> CURRENT = new ThreadLocal<>();

    /** {@code int allocate(uint8_t **memory, size_t bytes)}. */
    public interface Allocate extends Callback {
        int invoke(Pointer memory, Size_t bytes);
    }

    /** {@code void deallocate(uint8_t *memory, size_t bytes)}. */
    public interface Deallocate extends Callback {
        void invoke(Pointer memory, Size_t bytes);
    }

    // Held for the life of the class: the library keeps only their addresses.
    private static final Allocate ALLOCATE = (memory, bytes) -> {
        Memory block = CURRENT.get();
        if (block == null || bytes.longValue() > block.size()) {
            return ARGON2_MEMORY_ALLOCATION_ERROR;
        }
        memory.setPointer(0, block);
        return ARGON2_OK;
    };
    private static final Deallocate DEALLOCATE = (memory, bytes) -> {
        // The block stays with its turn; the library has wiped it already.
    };
    private static final Pointer ALLOCATE_FN = CallbackReference.getFunctionPointer(ALLOCATE);
    private static final Pointer DEALLOCATE_FN = CallbackReference.getFunctionPointer(DEALLOCATE);

    private Argon2idInBlock() {
    }

    /** The most memory a computation with these parameters asks for (what libargon2 rounds m down to, at most). */
    static long bytesFor(int memoryKib) {
        return (long) memoryKib * BLOCK_BYTES;
    }

    /** The PHC string of the password with this salt. */
    static String hash(Memory block, char[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
            int hashLength) {
        byte[] hash = compute(block, password, salt, memoryKib, iterations, parallelism, hashLength);
        if (hash == null) {
            throw new IllegalStateException("libargon2 refused m=" + memoryKib + ", t=" + iterations + ", p=" + parallelism);
        }
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether this block can check the stored string: an Argon2id PHC string whose memory fits in it. */
    static boolean fits(Memory block, String encoded) {
        Matcher m = PHC.matcher(encoded);
        return block != null && m.matches() && bytesFor(Integer.parseInt(m.group(1))) <= block.size();
    }

    /** Whether the password matches the stored string; call only when {@link #fits}. */
    static boolean verify(Memory block, char[] password, String encoded) {
        Matcher m = PHC.matcher(encoded);
        if (!m.matches()) {
            return false;
        }
        byte[] salt;
        byte[] expected;
        try {
            salt = B64_IN.decode(m.group(4));
            expected = B64_IN.decode(m.group(5));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        byte[] actual = compute(block, password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), expected.length);
        return actual != null && MessageDigest.isEqual(expected, actual);
    }

    /** The raw hash, or null when the library refused the parameters (as its own verify would answer no). */
    private static byte[] compute(Memory block, char[] password, byte[] salt, int memoryKib, int iterations,
            int parallelism, int hashLength) {
        if (hashLength < 4 || salt.length < 8) {
            return null;
        }
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        int pwdLength = utf8.remaining();
        byte[] pwd = new byte[pwdLength];
        utf8.get(pwd);
        if (utf8.hasArray()) {
            Arrays.fill(utf8.array(), (byte) 0);
        }
        Memory pwdMemory = new Memory(Math.max(1, pwdLength));
        Memory saltMemory = new Memory(salt.length);
        Memory out = new Memory(hashLength);
        try {
            pwdMemory.write(0, pwd, 0, pwdLength);
            Arrays.fill(pwd, (byte) 0);
            saltMemory.write(0, salt, 0, salt.length);

            Argon2_context.ByReference context = new Argon2_context.ByReference();
            context.out = out;
            context.outlen = new JnaUint32(hashLength);
            context.pwd = pwdMemory;
            context.pwdlen = new JnaUint32(pwdLength);
            context.salt = saltMemory;
            context.saltlen = new JnaUint32(salt.length);
            context.secret = null;
            context.secretlen = new JnaUint32(0);
            context.ad = null;
            context.adlen = new JnaUint32(0);
            context.t_cost = new JnaUint32(iterations);
            context.m_cost = new JnaUint32(memoryKib);
            context.lanes = new JnaUint32(parallelism);
            context.threads = new JnaUint32(parallelism);
            context.version = new Argon2_version(VERSION_13);
            context.allocate_cbk = ALLOCATE_FN;
            context.free_cbk = DEALLOCATE_FN;
            context.flags = new JnaUint32(ARGON2_FLAG_CLEAR_PASSWORD);

            CURRENT.set(block);
            int result;
            try {
                result = Argon2Library.INSTANCE.argon2id_ctx(context);
            } finally {
                CURRENT.remove();
            }
            return result == ARGON2_OK ? out.getByteArray(0, hashLength) : null;
        } finally {
            pwdMemory.clear();
            out.clear();
            pwdMemory.close();
            saltMemory.close();
            out.close();
        }
    }
}
