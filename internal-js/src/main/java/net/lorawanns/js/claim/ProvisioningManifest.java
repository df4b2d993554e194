package net.lorawanns.js.claim;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import net.lorawanns.core.crypto.KeyWrap;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;

/**
 * A batch of devices for the built-in join server, as a JSON array of objects or a CSV file with a header row, with
 * the same fields: {@code dev_eui}, {@code join_eui}, {@code mac_version}, {@code kek_label}, {@code app_key} and, for
 * LoRaWAN 1.1, {@code nwk_key} (each root key wrapped under the KEK of that label with RFC 3394 AES key wrap, 48 hex
 * digits), and {@code owner_token}. The KEKs are the configured {@code [[internal_js.kek]]} entries.
 *
 * <p>A manifest is read whole before anything is stored: every fault of every row is collected ({@link #errors()}),
 * and with any fault nothing is provisioned. CSV is RFC 4180: fields separated by commas, a field in double quotes
 * may hold commas and doubled quotes; empty lines are skipped. Pure parsing and unwrapping, on the caller's thread.
 */
public final class ProvisioningManifest {
    /** Most devices in one manifest: bounds the work of one request. */
    public static final int MAX_DEVICES = 1000;
    static final List<String> FIELDS = List.of("dev_eui", "join_eui", "mac_version", "kek_label", "app_key", "nwk_key",
            "owner_token");

    private final List<ManifestDevice> devices;
    private final List<ManifestError> errors;

    private ProvisioningManifest(List<ManifestDevice> devices, List<ManifestError> errors) {
        this.devices = List.copyOf(devices);
        this.errors = List.copyOf(errors);
    }

    /** The valid devices (all of them when there is no error). */
    public List<ManifestDevice> devices() {
        return devices;
    }

    public List<ManifestError> errors() {
        return errors;
    }

    /** Reads a JSON array of device objects. */
    public static ProvisioningManifest json(String body, Map<String, AesKey> keks) {
        JsonArray array;
        try {
            array = new JsonArray(body);
        } catch (DecodeException | ClassCastException e) {
            return failed(new ManifestError(0, "", "the body is not a JSON array of devices"));
        }
        List<RawRow> rows = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            rows.add(array.getValue(i) instanceof JsonObject device
                    ? new RawRow(i + 1, device::getValue, Optional.empty())
                    : new RawRow(i + 1, field -> null, Optional.of("a device is a JSON object")));
        }
        return read(rows, keks);
    }

    /** Reads a CSV file whose first line names the columns. */
    public static ProvisioningManifest csv(String body, Map<String, AesKey> keks) {
        List<List<String>> lines;
        try {
            lines = Csv.parse(body);
        } catch (IllegalArgumentException e) {
            return failed(new ManifestError(0, "", e.getMessage()));
        }
        if (lines.isEmpty()) {
            return failed(new ManifestError(1, "", "the CSV file has no header row"));
        }
        List<String> header = lines.get(0).stream().map(String::trim).toList();
        List<ManifestError> headerErrors = new ArrayList<>();
        for (String column : header) {
            if (!FIELDS.contains(column)) {
                headerErrors.add(new ManifestError(1, column, "unknown column; the columns are " + FIELDS));
            }
        }
        if (!headerErrors.isEmpty()) {
            return new ProvisioningManifest(List.of(), headerErrors);
        }
        List<RawRow> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            List<String> cells = lines.get(i);
            if (cells.size() == 1 && cells.get(0).isBlank()) {
                continue;
            }
            int row = i + 1;
            if (cells.size() != header.size()) {
                rows.add(new RawRow(row, field -> null, Optional.of("the line has " + cells.size()
                        + " fields; the header has " + header.size())));
                continue;
            }
            Map<String, Object> values = new HashMap<>();
            for (int c = 0; c < header.size(); c++) {
                String cell = cells.get(c).trim();
                values.put(header.get(c), cell.isEmpty() ? null : cell);
            }
            rows.add(new RawRow(row, values::get, Optional.empty()));
        }
        return read(rows, keks);
    }

    /** A row as read, before its fields are checked; {@code fault} when it could not be read as a device. */
    private record RawRow(int row, Function<String, Object> fields, Optional<String> fault) {
    }

    private static ProvisioningManifest read(List<RawRow> rows, Map<String, AesKey> keks) {
        if (rows.isEmpty()) {
            return failed(new ManifestError(0, "", "the manifest has no device"));
        }
        if (rows.size() > MAX_DEVICES) {
            return failed(new ManifestError(0, "", "the manifest has " + rows.size() + " devices; at most "
                    + MAX_DEVICES + " per request"));
        }
        List<ManifestDevice> devices = new ArrayList<>();
        List<ManifestError> errors = new ArrayList<>();
        Map<Eui64, Integer> seen = new LinkedHashMap<>();
        for (RawRow raw : rows) {
            int row = raw.row();
            if (raw.fault().isPresent()) {
                errors.add(new ManifestError(row, "", raw.fault().get()));
                continue;
            }
            Row reading = new Row(row, raw.fields(), errors);
            Optional<ManifestDevice> device = reading.device(keks);
            device.ifPresent(found -> {
                Integer earlier = seen.putIfAbsent(found.devEui(), row);
                if (earlier != null) {
                    errors.add(new ManifestError(row, "dev_eui", "DevEUI " + found.devEui() + " is also in row "
                            + earlier));
                } else {
                    devices.add(found);
                }
            });
        }
        return new ProvisioningManifest(errors.isEmpty() ? devices : List.of(), errors);
    }

    private static ProvisioningManifest failed(ManifestError error) {
        return new ProvisioningManifest(List.of(), List.of(error));
    }

    /** One row's fields, each checked and its fault recorded under its name. */
    private record Row(int row, Function<String, Object> fields, List<ManifestError> errors) {
        Optional<ManifestDevice> device(Map<String, AesKey> keks) {
            int before = errors.size();
            Eui64 devEui = parse("dev_eui", Eui64::parse);
            Eui64 joinEui = parse("join_eui", Eui64::parse);
            MacVersion version = parse("mac_version", MacVersion::parse);
            AesKey kek = parse("kek_label", label -> {
                AesKey found = keks.get(label);
                if (found == null) {
                    throw new IllegalArgumentException("no [[internal_js.kek]] has label '" + label + "'");
                }
                return found;
            });
            OwnerToken token = parse("owner_token", OwnerToken::of);
            AesKey appKey = kek == null ? null : parse("app_key", wrapped -> unwrap(kek, wrapped));
            Object nwkKeyText = fields.apply("nwk_key");
            AesKey nwkKey = null;
            if (version == MacVersion.LORAWAN_1_1_0) {
                nwkKey = kek == null ? null : parse("nwk_key", wrapped -> unwrap(kek, wrapped));
            } else if (nwkKeyText != null && version != null) {
                errors.add(new ManifestError(row, "nwk_key", "only LoRaWAN 1.1 devices have a NwkKey; this one is "
                        + version));
            }
            if (errors.size() > before) {
                return Optional.empty();
            }
            return Optional.of(new ManifestDevice(row, devEui, new RootKeys(joinEui, version, appKey,
                    Optional.ofNullable(nwkKey), DeviceClaiming.NO_HOME, Optional.empty(), Optional.empty()), token));
        }

        private <T> T parse(String field, Function<String, T> parser) {
            Object value = fields.apply(field);
            if (value == null || (value instanceof String text && text.isEmpty())) {
                errors.add(new ManifestError(row, field, "is required"));
                return null;
            }
            if (!(value instanceof String text)) {
                errors.add(new ManifestError(row, field, "must be a string"));
                return null;
            }
            try {
                return parser.apply(text);
            } catch (IllegalArgumentException e) {
                errors.add(new ManifestError(row, field, e.getMessage()));
                return null;
            }
        }

        /** A wrapped root key: 24 bytes (48 hex digits) that unwrap under the row's KEK. Never repeated in errors. */
        private static AesKey unwrap(AesKey kek, String wrapped) {
            byte[] bytes;
            try {
                bytes = HexFormat.of().parseHex(wrapped);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be " + KeyWrap.WRAPPED_SIZE * 2
                        + " hex digits (an AES-128 key wrapped with RFC 3394)");
            }
            try {
                return KeyWrap.unwrap(kek, bytes);
            } catch (KeyWrap.KeyUnwrapException e) {
                throw new IllegalArgumentException("does not unwrap under the KEK of kek_label: " + e.getMessage());
            }
        }
    }
}
