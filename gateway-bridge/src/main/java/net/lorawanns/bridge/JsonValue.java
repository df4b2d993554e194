package net.lorawanns.bridge;

/**
 * One JSON value as a reader of PUSH_DATA met it, for {@link RxpkFields} to check: its kind, and for numbers and
 * strings their content. Kept for the next value (one thread at a time); a string's characters are valid until the
 * reader moves on.
 */
final class JsonValue {
    enum Kind {
        STRING,
        /** A number without fraction or exponent. */
        INTEGER,
        /** A number with a fraction or an exponent. */
        DECIMAL,
        /** {@code true}, {@code false}, {@code null}, an array or an object. */
        OTHER
    }

    Kind kind = Kind.OTHER;
    /** INTEGER: whether it fits an int, and a long ({@link #integer} is its value then). */
    boolean fitsInt;
    boolean fitsLong;
    long integer;
    /** INTEGER and DECIMAL: the value as a double. */
    double decimal;
    /** STRING: its characters. */
    final TextView text = new TextView();

    void string(char[] chars, int offset, int length) {
        kind = Kind.STRING;
        text.of(chars, offset, length);
    }

    void integer(long value, boolean inLong, boolean inInt, double asDouble) {
        kind = Kind.INTEGER;
        fitsLong = inLong;
        fitsInt = inInt;
        integer = value;
        decimal = asDouble;
    }

    void decimal(double value) {
        kind = Kind.DECIMAL;
        decimal = value;
    }

    void other() {
        kind = Kind.OTHER;
    }

    /**
     * A string value in a reader's characters, valid until the reader moves on; {@link #toString} copies it (for an
     * error's message).
     */
    static final class TextView implements CharSequence {
        char[] chars;
        int offset;
        int length;

        void of(char[] text, int start, int count) {
            this.chars = text;
            this.offset = start;
            this.length = count;
        }

        boolean is(String text) {
            if (text.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (chars[offset + i] != text.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return chars[offset + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(chars, offset + start, end - start);
        }

        @Override
        public String toString() {
            return new String(chars, offset, length);
        }
    }
}
