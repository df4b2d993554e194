package net.lorawanns.core.downlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.lorawanns.config.NetworkSettings.RxWindowRule;
import org.junit.jupiter.api.Test;

/** The receive-window rule of {@code network.rx_window} and {@code network.rx2_below_rx1_dr}. */
class WindowOrderTest {
    /** RX1 at DR2 (SF10 in EU868), RX2 at DR0. */
    private static final ReceiveWindows DR2 = new ReceiveWindows(1_000_000, 868_100_000L, 2, 869_525_000L, 0);

    @Test
    void eachRuleTriesItsWindowsInItsOrder() {
        assertEquals(List.of(Window.RX1, Window.RX2), new WindowOrder(RxWindowRule.RX1_FIRST, 0).order(DR2));
        assertEquals(List.of(Window.RX2, Window.RX1), new WindowOrder(RxWindowRule.RX2_FIRST, 0).order(DR2));
        assertEquals(List.of(Window.RX1), new WindowOrder(RxWindowRule.RX1_ONLY, 0).order(DR2));
        assertEquals(List.of(Window.RX2), new WindowOrder(RxWindowRule.RX2_ONLY, 0).order(DR2));
    }

    @Test
    void rx2GoesFirstOnlyBelowTheConfiguredRx1DataRate() {
        assertEquals(List.of(Window.RX2, Window.RX1), new WindowOrder(RxWindowRule.RX1_FIRST, 3).order(DR2));
        assertEquals(List.of(Window.RX1, Window.RX2), new WindowOrder(RxWindowRule.RX1_FIRST, 2).order(DR2),
                "DR2 is not below 2");
    }

    @Test
    void aFrameLimitedToOneWindowNeverGoesInTheOther() {
        assertEquals(List.of(Window.RX1), new WindowOrder(RxWindowRule.RX1_FIRST, 0).order(DR2.withoutRx2()));
        assertEquals(List.of(Window.RX1), new WindowOrder(RxWindowRule.RX2_FIRST, 0).order(DR2.withoutRx2()));
        assertEquals(List.of(Window.RX2), new WindowOrder(RxWindowRule.RX1_FIRST, 0).order(DR2.withoutRx1()));
        assertEquals(List.of(), new WindowOrder(RxWindowRule.RX2_ONLY, 0).order(DR2.withoutRx2()));
    }
}
