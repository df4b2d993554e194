package net.lorawanns.core.device;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;

/**
 * A device record as Redis holds it ({@link Device#toJson}, with the generation {@link DeviceStore} writes it under),
 * read straight from its bytes by Jackson's streaming parser. The counter step reads one at a device's first frame in
 * a while, most frames with a million devices; a tree of the record (a map, its entries, a databind context) was
 * about half of what that read allocated. Fields it does not know are skipped.
 *
 * @param profileRef the generation of the record's write ({@code profile_ref}), 0 in records older than it
 */
record StoredDevice(Device device, long profileRef) {
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Reads a stored record.
     *
     * @throws IllegalArgumentException if the bytes are not a device record, naming what is wrong
     */
    static StoredDevice read(byte[] record) {
        try (JsonParser parser = JSON.createParser(record)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a device record is a JSON object");
            }
            String devEui = null;
            String joinEui = null;
            String macVersion = null;
            String applicationId = null;
            String profileId = null;
            boolean relaxFCnt = false;
            long profileRef = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "dev_eui" -> devEui = text(parser, value, field);
                    case "join_eui" -> joinEui = text(parser, value, field);
                    case "mac_version" -> macVersion = text(parser, value, field);
                    case "application_id" -> applicationId = text(parser, value, field);
                    case "device_profile_id" -> profileId = text(parser, value, field);
                    case "relax_fcnt" -> relaxFCnt = flag(value, field);
                    case "profile_ref" -> profileRef = number(parser, value, field);
                    default -> parser.skipChildren();
                }
            }
            if (devEui == null || macVersion == null || applicationId == null) {
                throw new IllegalArgumentException("a device record has dev_eui, mac_version and application_id");
            }
            return new StoredDevice(new Device(Eui64.parse(devEui),
                    joinEui == null ? Optional.empty() : Optional.of(Eui64.parse(joinEui)),
                    MacVersion.parse(macVersion), applicationId, relaxFCnt, Optional.ofNullable(profileId)),
                    profileRef);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a device record is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory", e);
        }
    }

    /** A string field's text; null for a JSON null, as for an absent field. */
    private static String text(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("a device record's " + field + " is a string");
        }
        return parser.getText();
    }

    private static boolean flag(JsonToken value, String field) {
        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            throw new IllegalArgumentException("a device record's " + field + " is true or false");
        }
        return value == JsonToken.VALUE_TRUE;
    }

    private static long number(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new IllegalArgumentException("a device record's " + field + " is a whole number");
        }
        return parser.getLongValue();
    }
}
