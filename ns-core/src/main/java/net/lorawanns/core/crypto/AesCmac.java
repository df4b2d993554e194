package net.lorawanns.core.crypto;

import java.util.Arrays;

/**
 * AES-CMAC (RFC 4493) over AES-128 encryption (FIPS 197), without allocating: the MIC of every uplink is one, and a
 * library engine makes its key schedule (and BouncyCastle a copy of its S-box) anew for each key. Here the key
 * schedule and the blocks are fields, reused; {@link Aes128#cmac} keeps one instance per thread, so an instance is
 * confined to its thread. The key schedule is wiped after each MAC. Encryption only: CMAC needs no other direction.
 *
 * <p>The round function is the usual table form of FIPS 197 section 5.1 (SubBytes, ShiftRows and MixColumns of a
 * column as one 32-bit look-up), as BouncyCastle's {@code AESEngine} computes it too.
 */
final class AesCmac {
    private static final int ROUNDS = 10;
    /** FIPS 197 section 5.1.1, built from its definition (multiplicative inverse in GF(2^8), then affine map). */
    private static final int[] S_BOX = new int[256];
    /** S-box and MixColumns of one byte in row 0: {2s, s, s, 3s}; rows 1-3 are its rotations. */
    private static final int[] T0 = new int[256];
    /** Round constants of the key expansion (FIPS 197 section 5.2), in the word's first byte. */
    private static final int[] RCON = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1B, 0x36};
    /** RFC 4493 section 2.3: R_b of the subkey generation for 128-bit blocks. */
    private static final int R_B = 0x87;

    static {
        for (int x = 0; x < 256; x++) {
            int inverse = x == 0 ? 0 : inverse(x);
            int s = inverse ^ Integer.rotateLeft(inverse, 1) ^ Integer.rotateLeft(inverse, 2)
                    ^ Integer.rotateLeft(inverse, 3) ^ Integer.rotateLeft(inverse, 4);
            s = (s ^ (s >>> 8) ^ 0x63) & 0xFF;
            S_BOX[x] = s;
        }
        for (int x = 0; x < 256; x++) {
            int s = S_BOX[x];
            int twice = times2(s);
            T0[x] = twice << 24 | s << 16 | s << 8 | (twice ^ s);
        }
    }

    private final int[] roundKeys = new int[4 * (ROUNDS + 1)];
    private final byte[] state = new byte[Aes128.BLOCK];
    private final byte[] k1 = new byte[Aes128.BLOCK];
    private final byte[] k2 = new byte[Aes128.BLOCK];
    private final byte[] pending = new byte[Aes128.BLOCK];

    /** The CMAC of the concatenation of {@code parts} under the 16-byte {@code key}. */
    byte[] mac(byte[] key, byte[]... parts) {
        expand(key);
        subkeys();
        Arrays.fill(state, (byte) 0);
        int buffered = 0;
        for (byte[] part : parts) {
            for (byte b : part) {
                if (buffered == Aes128.BLOCK) {
                    // A block is processed only once more follows: the last one is mixed with a subkey first.
                    xorInto(state, pending);
                    encrypt(state);
                    buffered = 0;
                }
                pending[buffered++] = b;
            }
        }
        byte[] last;
        if (buffered == Aes128.BLOCK) {
            last = k1;
        } else {
            pending[buffered] = (byte) 0x80;
            Arrays.fill(pending, buffered + 1, Aes128.BLOCK, (byte) 0);
            last = k2;
        }
        xorInto(pending, last);
        xorInto(state, pending);
        encrypt(state);
        byte[] tag = state.clone();
        Arrays.fill(roundKeys, 0);
        Arrays.fill(k1, (byte) 0);
        Arrays.fill(k2, (byte) 0);
        Arrays.fill(pending, (byte) 0);
        return tag;
    }

    /** RFC 4493 section 2.3: L = AES(K, 0); K1 = L << 1 (xor R_b on carry); K2 = K1 << 1 likewise. */
    private void subkeys() {
        Arrays.fill(k1, (byte) 0);
        encrypt(k1);
        shiftLeft(k1, k1);
        shiftLeft(k1, k2);
    }

    private static void shiftLeft(byte[] in, byte[] out) {
        int carry = (in[0] & 0x80) != 0 ? R_B : 0;
        for (int i = 0; i < Aes128.BLOCK - 1; i++) {
            out[i] = (byte) (in[i] << 1 | (in[i + 1] & 0xFF) >>> 7);
        }
        out[Aes128.BLOCK - 1] = (byte) (in[Aes128.BLOCK - 1] << 1 ^ carry);
    }

    private static void xorInto(byte[] target, byte[] with) {
        for (int i = 0; i < Aes128.BLOCK; i++) {
            target[i] ^= with[i];
        }
    }

    /** FIPS 197 section 5.2, Nk = 4. */
    private void expand(byte[] key) {
        int[] w = roundKeys;
        for (int i = 0; i < 4; i++) {
            w[i] = word(key, 4 * i);
        }
        for (int i = 4; i < w.length; i++) {
            int temp = w[i - 1];
            if (i % 4 == 0) {
                temp = subWord(Integer.rotateLeft(temp, 8)) ^ RCON[i / 4 - 1] << 24;
            }
            w[i] = w[i - 4] ^ temp;
        }
    }

    /** FIPS 197 section 5.1: the cipher on one block, in place. */
    private void encrypt(byte[] block) {
        int[] w = roundKeys;
        int s0 = word(block, 0) ^ w[0];
        int s1 = word(block, 4) ^ w[1];
        int s2 = word(block, 8) ^ w[2];
        int s3 = word(block, 12) ^ w[3];
        for (int round = 1; round < ROUNDS; round++) {
            int t0 = column(s0, s1, s2, s3) ^ w[4 * round];
            int t1 = column(s1, s2, s3, s0) ^ w[4 * round + 1];
            int t2 = column(s2, s3, s0, s1) ^ w[4 * round + 2];
            int t3 = column(s3, s0, s1, s2) ^ w[4 * round + 3];
            s0 = t0;
            s1 = t1;
            s2 = t2;
            s3 = t3;
        }
        // The last round has no MixColumns.
        putWord(block, 0, lastColumn(s0, s1, s2, s3) ^ w[4 * ROUNDS]);
        putWord(block, 4, lastColumn(s1, s2, s3, s0) ^ w[4 * ROUNDS + 1]);
        putWord(block, 8, lastColumn(s2, s3, s0, s1) ^ w[4 * ROUNDS + 2]);
        putWord(block, 12, lastColumn(s3, s0, s1, s2) ^ w[4 * ROUNDS + 3]);
    }

    /** One output column of SubBytes, ShiftRows and MixColumns: row r comes from the r-th column after this one. */
    private static int column(int a, int b, int c, int d) {
        return T0[a >>> 24] ^ Integer.rotateRight(T0[(b >>> 16) & 0xFF], 8)
                ^ Integer.rotateRight(T0[(c >>> 8) & 0xFF], 16) ^ Integer.rotateRight(T0[d & 0xFF], 24);
    }

    private static int lastColumn(int a, int b, int c, int d) {
        return S_BOX[a >>> 24] << 24 | S_BOX[(b >>> 16) & 0xFF] << 16 | S_BOX[(c >>> 8) & 0xFF] << 8
                | S_BOX[d & 0xFF];
    }

    private static int subWord(int word) {
        return S_BOX[word >>> 24] << 24 | S_BOX[(word >>> 16) & 0xFF] << 16 | S_BOX[(word >>> 8) & 0xFF] << 8
                | S_BOX[word & 0xFF];
    }

    private static int word(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) << 24 | (bytes[offset + 1] & 0xFF) << 16 | (bytes[offset + 2] & 0xFF) << 8
                | bytes[offset + 3] & 0xFF;
    }

    private static void putWord(byte[] bytes, int offset, int word) {
        bytes[offset] = (byte) (word >>> 24);
        bytes[offset + 1] = (byte) (word >>> 16);
        bytes[offset + 2] = (byte) (word >>> 8);
        bytes[offset + 3] = (byte) word;
    }

    /** Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS 197 section 4.2.1). */
    private static int times2(int a) {
        return (a << 1 ^ ((a & 0x80) != 0 ? 0x1B : 0)) & 0xFF;
    }

    private static int multiply(int a, int b) {
        int product = 0;
        while (b != 0) {
            if ((b & 1) != 0) {
                product ^= a;
            }
            a = times2(a);
            b >>>= 1;
        }
        return product;
    }

    /** a^254 = a^-1 in GF(2^8). */
    private static int inverse(int a) {
        int result = 1;
        int power = a;
        for (int e = 254; e != 0; e >>>= 1) {
            if ((e & 1) != 0) {
                result = multiply(result, power);
            }
            power = multiply(power, power);
        }
        return result;
    }
}
