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

        /**
         * The demodulation floor: the lowest SNR, in dB, at which a receiver decodes this spreading factor
         * ("LoRa Demodulator SNR", Semtech SX1276 datasheet table 13 for SF6-SF12, SX1261/2 datasheet table 6-1
         * for SF5). SNR is measured in the channel's bandwidth, so the floor is the same at every bandwidth.
         */
        public double requiredSnrDb() {
            return switch (spreadingFactor) {
                case 5 -> -2.5;
                case 6 -> -5.0;
                case 7 -> -7.5;
                case 8 -> -10.0;
                case 9 -> -12.5;
                case 10 -> -15.0;
                case 11 -> -17.5;
                default -> -20.0;
            };
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
