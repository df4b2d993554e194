package net.lorawanns.core.region;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DataRateTest {

    @Test
    void loRaDemodulationFloorsAreTheDatasheetsPerSpreadingFactorAtEveryBandwidth() {
        // "LoRa Demodulator SNR": SX1261/2 datasheet table 6-1 (SF5), SX1276 datasheet table 13 (SF6-SF12).
        double[] floorBySf = {-2.5, -5, -7.5, -10, -12.5, -15, -17.5, -20};
        for (int sf = 5; sf <= 12; sf++) {
            for (int bandwidth : new int[] {125_000, 250_000, 500_000}) {
                assertEquals(floorBySf[sf - 5], new DataRate.LoRa(sf, bandwidth).requiredSnrDb(), "SF" + sf);
            }
        }
    }
}
