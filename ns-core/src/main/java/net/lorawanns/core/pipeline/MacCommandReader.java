package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import net.lorawanns.core.crypto.DataCrypto;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.mac.MacCommandCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the MAC commands of a new frame: from FOpts (encrypted with NwkSEncKey in LoRaWAN 1.1, section 4.3.1.6) or
 * from an FPort 0 payload (always encrypted, with NwkSEncKey). Runs on the pipeline's event loop.
 */
final class MacCommandReader implements DataStep {
    private static final Logger LOG = LoggerFactory.getLogger(MacCommandReader.class);

    private final PipelineMetrics metrics;

    MacCommandReader(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        if (!uplink.isNew()) {
            return GO_ON;
        }
        DataFrame frame = uplink.frame;
        DeviceSession session = uplink.session();
        byte[] raw;
        if (frame.fPort().isPresent() && frame.fPort().getAsInt() == 0) {
            raw = DataCrypto.encryptFrmPayload(session.nwkSEncKey(), Direction.UPLINK, frame.devAddr(), uplink.fCnt,
                    frame.frmPayload());
        } else if (frame.fOpts().length > 0) {
            raw = session.lorawan11() ? DataCrypto.encryptFOpts11(session.nwkSEncKey(), Direction.UPLINK, false,
                    frame.devAddr(), uplink.fCnt, frame.fOpts()) : frame.fOpts();
        } else {
            return GO_ON;
        }
        MacCommandCodec.Read read = MacCommandCodec.read(raw, Direction.UPLINK);
        uplink.macCommands = read.commands();
        read.stoppedBy().ifPresent(e -> {
            metrics.frame("malformed_mac_commands");
            LOG.debug("MAC commands of DevAddr {} read up to an error, {} kept: {}", frame.devAddr(),
                    read.commands().size(), e.getMessage());
        });
        return GO_ON;
    }
}
