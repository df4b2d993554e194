package net.lorawanns.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;

/**
 * Reads {@code network.rx_window}: one of the rule names, or ChirpStack's integer (0: RX1 first, 1: RX1 only, 2: RX2
 * only), which earlier versions of this server read too. A string goes through the usual reading ({@code ${ENV}}).
 */
final class RxWindowDeserializer extends JsonDeserializer<String> {
    private static final String[] BY_NUMBER = {"rx1_first", "rx1_only", "rx2_only"};

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            int number = p.getIntValue();
            if (number < 0 || number >= BY_NUMBER.length) {
                throw new InvalidSettingException("", "must be one of " + NetworkSettings.RX_WINDOW_RULES
                        + " (or 0, 1, 2 as ChirpStack writes them), got " + number);
            }
            return BY_NUMBER[number];
        }
        return (String) ctxt.findRootValueDeserializer(ctxt.constructType(String.class)).deserialize(p, ctxt);
    }
}
