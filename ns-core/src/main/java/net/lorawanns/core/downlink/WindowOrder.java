package net.lorawanns.core.downlink;

import java.util.ArrayList;
import java.util.List;
import net.lorawanns.config.NetworkSettings.RxWindowRule;

/**
 * The order in which a Class A downlink tries the receive windows ({@code network.rx_window} and
 * {@code network.rx2_below_rx1_dr}). Each window is tried in turn while it can still be made: a window refused by
 * the gateway (TX_ACK error), too close to reach the gateway in time, or over the gateway's duty cycle gives way to
 * the next. RX2 first then RX1 works because the gateway answers RX2's PULL_RESP at once, up to a second before
 * RX1 opens. Windows the frame may not use are left out.
 *
 * @param rule the configured rule
 * @param rx2BelowRx1Dr under {@link RxWindowRule#RX1_FIRST}, RX2 goes first when RX1's data rate is below this
 */
public record WindowOrder(RxWindowRule rule, int rx2BelowRx1Dr) {

    public List<Window> order(ReceiveWindows windows) {
        List<Window> order = switch (rule) {
            case RX1_FIRST -> windows.rx1DataRate() < rx2BelowRx1Dr ? List.of(Window.RX2, Window.RX1)
                    : List.of(Window.RX1, Window.RX2);
            case RX2_FIRST -> List.of(Window.RX2, Window.RX1);
            case RX1_ONLY -> List.of(Window.RX1);
            case RX2_ONLY -> List.of(Window.RX2);
        };
        List<Window> allowed = new ArrayList<>(order);
        allowed.removeIf(w -> w == Window.RX1 ? !windows.rx1Allowed() : !windows.rx2Allowed());
        return List.copyOf(allowed);
    }
}
