package net.lorawanns.core.gateway;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Where a gateway stands, as its operator registered it: WGS 84 latitude and longitude in degrees, altitude in metres.
 */
public record GatewayLocation(double latitude, double longitude, Optional<Double> altitude) {
    public GatewayLocation {
        if (!(latitude >= -90 && latitude <= 90)) {
            throw new IllegalArgumentException("location.latitude: must be from -90 to 90 degrees, got " + latitude);
        }
        if (!(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("location.longitude: must be from -180 to 180 degrees, got "
                    + longitude);
        }
        altitude.ifPresent(metres -> {
            if (!Double.isFinite(metres)) {
                throw new IllegalArgumentException("location.altitude: must be a number of metres");
            }
        });
    }

    /**
     * Reads {@code {"latitude", "longitude", "altitude"?}}; a missing or mistyped field, or one of another name, is
     * an IllegalArgumentException naming it.
     */
    public static GatewayLocation fromJson(JsonObject json) {
        for (String field : json.fieldNames()) {
            if (!field.equals("latitude") && !field.equals("longitude") && !field.equals("altitude")) {
                throw new IllegalArgumentException("location: unknown field '" + field
                        + "' (a location has latitude, longitude and altitude)");
            }
        }
        Object altitude = json.getValue("altitude");
        if (altitude != null && !(altitude instanceof Number)) {
            throw new IllegalArgumentException("location.altitude: must be a number of metres");
        }
        return new GatewayLocation(degrees(json, "latitude"), degrees(json, "longitude"),
                Optional.ofNullable((Number) altitude).map(Number::doubleValue));
    }

    private static double degrees(JsonObject json, String field) {
        if (!(json.getValue(field) instanceof Number number)) {
            throw new IllegalArgumentException("location." + field + " is required (a number of degrees)");
        }
        return number.doubleValue();
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("latitude", latitude).put("longitude", longitude);
        altitude.ifPresent(metres -> json.put("altitude", metres));
        return json;
    }
}
