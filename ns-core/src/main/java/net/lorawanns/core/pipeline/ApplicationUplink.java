package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.crypto.DataCrypto;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.MType;
import net.lorawanns.core.uplink.DeduplicatedUplink;

/**
 * Hands a new frame to the application side: its payload decrypted with the AppSKey when this server holds it,
 * else still encrypted with the AppSKey's envelope or reference. Runs on the pipeline's event loop.
 */
final class ApplicationUplink implements DataStep {
    private final EventSink events;

    ApplicationUplink(EventSink events) {
        this.events = events;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        if (uplink.isNew()) {
            events.publish(event(uplink));
        }
        return GO_ON;
    }

    /** The event, whose JSON is made only if a sink reads it (from what the steps after this one leave alone). */
    private static ApplicationEvent event(DataUplink uplink) {
        DeduplicatedUplink copies = uplink.copies;
        OptionalInt dataRate = uplink.dataRate;
        DataFrame frame = uplink.frame;
        Device device = uplink.device;
        DeviceSession session = uplink.session();
        long fCnt = uplink.fCnt;
        return ApplicationEvent.lazy(ApplicationEvent.UPLINK, Optional.of(device.applicationId()),
                () -> json(copies, dataRate, frame, device, session, fCnt));
    }

    private static JsonObject json(DeduplicatedUplink copies, OptionalInt dataRate, DataFrame frame, Device device,
                                   DeviceSession session, long fCnt) {
        JsonObject json = EventJson.radio(copies, dataRate.isPresent()
                        ? Optional.of(dataRate.getAsInt()) : Optional.empty())
                .put("dev_eui", device.devEui().toString()).put("dev_addr", frame.devAddr().toString())
                .put("f_cnt", fCnt).put("confirmed", frame.mType() == MType.CONFIRMED_DATA_UP)
                .put("adr", frame.fCtrl().adr());
        if (frame.fPort().isPresent() && frame.fPort().getAsInt() > 0) {
            json.put("f_port", frame.fPort().getAsInt());
            Base64.Encoder base64 = Base64.getEncoder();
            if (session.appSKey().isPresent()) {
                json.put("data", base64.encodeToString(DataCrypto.encryptFrmPayload(session.appSKey().get(),
                        Direction.UPLINK, frame.devAddr(), fCnt, frame.frmPayload())));
            } else {
                json.put("frm_payload", base64.encodeToString(frame.frmPayload()));
                session.appSKeyEnvelope().ifPresent(envelope -> json.put("app_s_key", new JsonObject()
                        .put("kek_label", envelope.kekLabel()).put("aes_key", envelope.wrappedKeyHex())));
            }
        }
        EventJson.appSKeyReference(json, session.appSKeyReference());
        return json;
    }
}
