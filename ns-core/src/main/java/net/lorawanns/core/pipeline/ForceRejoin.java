package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.List;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.mac.MacCommand;

/**
 * The operator's ForceRejoinReq (LoRaWAN 1.1 section 5.13), taken by the counter step: {@link #ask} puts it first in
 * the answer, so that the device's own answers cannot crowd it out of FOpts; {@link #keepUnsent} gives it back to
 * the session when the answer did not go out, so that it waits for the next frame. Runs on the pipeline's event loop.
 */
final class ForceRejoin {
    private final SessionStore sessions;

    ForceRejoin(SessionStore sessions) {
        this.sessions = sessions;
    }

    /** One rejoin-request of the asked type, at the uplink's data rate. */
    DataStep ask() {
        return uplink -> {
            if (uplink.isNew() && uplink.counterStep.forceRejoinType().isPresent() && uplink.session().lorawan11()) {
                uplink.answers.add(0, new MacCommand.ForceRejoinReq(0, 0,
                        uplink.counterStep.forceRejoinType().getAsInt(), uplink.dataRate.orElse(0)));
            }
            return DataStep.GO_ON;
        };
    }

    /** Runs after {@link ClassAAnswer}. */
    DataStep keepUnsent() {
        return uplink -> {
            MacCommand.ForceRejoinReq asked = asked(uplink.answers);
            if (asked == null || uplink.sent.contains(asked)) {
                return DataStep.GO_ON;
            }
            return sessions.forceRejoin(uplink.device.devEui(), asked.rejoinType()).map(DataStep.Next.CONTINUE);
        };
    }

    /** The ForceRejoinReq among the answers, null when none ({@link #ask} puts it first). */
    private static MacCommand.ForceRejoinReq asked(List<MacCommand.Downlink> answers) {
        return !answers.isEmpty() && answers.get(0) instanceof MacCommand.ForceRejoinReq request ? request : null;
    }
}
