package net.lorawanns.core.region;

/** The modulation parameters of a radio transmission. */
public sealed interface DataRate {

    /** LoRa: spreading factor 5-12 and bandwidth in Hz. */
    record LoRa(int spreadingFactor, int bandwidthHz) implements DataRate {
        public LoRa {
            if (spreadingFactor < 5 || spreadingFactor > 12) {
                throw new IllegalArgumentException("spreading factor must be 5-12, got " + spreadingFactor);
            }
            if (bandwidthHz <= 0) {
                throw new IllegalArgumentException("bandwidth must be positive, got " + bandwidthHz);
            }
        }

        @Override
        public String toString() {
            return "SF" + spreadingFactor + "BW" + bandwidthHz / 1000;
        }
    }

    /** FSK: bit rate in bits per second. */
    record Fsk(int bitrate) implements DataRate {
        public Fsk {
            if (bitrate <= 0) {
                throw new IllegalArgumentException("FSK bit rate must be positive, got " + bitrate);
            }
        }

        @Override
        public String toString() {
            return "FSK" + bitrate;
        }
    }
}
