package net.lorawanns.deploy.simulate;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import net.lorawanns.sim.SpecDevice;

/**
 * The simulated world: gateways that hear each device's frames with their own signal and counter, devices that join
 * (retrying a lost join with a new DevNonce) and send uplinks at their interval, and the downlinks they receive in
 * their windows. It matches the server's events to the uplinks sent. Everything runs on one thread,
 * {@code simulator}; the gateways' reader threads and the event stream's thread hand their input to it.
 */
public final class Simulation implements AutoCloseable {
    /** lora_pkt_fwd's default keepalive_interval. */
    private static final Duration KEEPALIVE = Duration.ofSeconds(10);
    private static final Duration PULL_ACK_WAIT = Duration.ofSeconds(5);
    private static final Duration PROGRESS = Duration.ofSeconds(5);
    /** After RX2 opens: when the device stops listening (a downlink is delivered when its window opens). */
    private static final Duration WINDOWS_CLOSE = Duration.ofMillis(200);
    private static final Duration GRACE_CHECK = Duration.ofMillis(100);
    /** How late a task of a busy simulation thread may run before a device counts as stopped. */
    private static final Duration LATE = Duration.ofSeconds(1);
    /**
     * After the grace period: the longest windows still open may take, RX2 at RxDelay 15 (TS001 1.0.4 section
     * 5.7: RX1 up to 15 s, RX2 one second later).
     */
    private static final Duration LONGEST_WINDOWS = Duration.ofSeconds(16).plus(WINDOWS_CLOSE);
    /** The least grace: RX2 of the devices' first frame and this margin for its downlink and the event. */
    private static final Duration GRACE_MARGIN = Duration.ofSeconds(1);
    private static final int RSSI_MIN = -120;
    private static final int RSSI_MAX = -40;
    private static final double SNR_MIN = -15;
    private static final double SNR_MAX = 10;

    /** Where a device listens: a gateway's counter value at which a window of a transmission opens. */
    private record Listening(VirtualDevice.Transmission transmission, long sentNanos, SpecDevice.Window window) {
    }

    private final SimulationSettings settings;
    private final Fleet fleet;
    private final Consumer<String> out;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread t = new Thread(runnable, "simulator");
        t.setDaemon(true);
        return t;
    });
    private final Random random;
    private final List<VirtualGateway> gateways = new ArrayList<>();
    private final List<VirtualDevice> devices = new ArrayList<>();
    private final SimulationReport report = new SimulationReport();
    /** Each open window by "GATEWAY:TMST". */
    private final Map<String, Listening> listening = new HashMap<>();
    /** The transmissions whose windows are open, and the keys of those windows in {@link #listening}. */
    private final Map<VirtualDevice.Transmission, List<String>> open = new HashMap<>();
    /** What the device received in the windows of a transmission, while they are open. */
    private final Map<VirtualDevice.Transmission, VirtualDevice.Received> answered = new HashMap<>();
    private final CompletableFuture<Summary> ended = new CompletableFuture<>();
    private int devicesDone;
    private boolean stopping;

    /** The end of a run: the summary's lines, and whether anything was lost or wrong. */
    public record Summary(List<String> lines, boolean lost) {
    }

    /**
     * The shortest grace period that lets the devices' first frames be judged: RX2 of a join-request (OTAA) or of an
     * uplink at the default RX1 delay (ABP), and a margin.
     */
    public static Duration shortestGrace(SimulationSettings.Activation activation) {
        return Duration.ofSeconds(VirtualDevice.firstRx2DelaySeconds(activation != SimulationSettings.Activation.ABP))
                .plus(GRACE_MARGIN);
    }

    public Simulation(SimulationSettings settings, Fleet fleet, Consumer<String> out) {
        this.settings = settings;
        this.fleet = fleet;
        this.out = out;
        this.random = new Random(settings.seed());
    }

    /**
     * Opens the gateways and waits for each one's PULL_ACK, then lets the devices go (on the simulation thread).
     *
     * @throws IOException when a gateway cannot open its socket or no PULL_ACK comes within 5 s
     */
    public void start() throws IOException, InterruptedException {
        for (String eui : fleet.gatewayEuis()) {
            gateways.add(new VirtualGateway(eui, settings.udp(), random.nextLong() & 0xFFFF_FFFFL,
                    txpk -> onThread(() -> downlink(txpk)), problem -> onThread(() -> report.problem(problem))));
        }
        for (VirtualGateway gateway : gateways) {
            gateway.pullData();
        }
        try {
            CompletableFuture.allOf(gateways.stream().map(g -> g.pulled).toArray(CompletableFuture[]::new))
                    .get(PULL_ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new IOException("no PULL_ACK from " + settings.udp().getHostString() + ":" + settings.udp().getPort()
                    + " within " + PULL_ACK_WAIT.toSeconds()
                    + " s: is the server's gateway bridge there? (see --udp)");
        }
        onThread(this::begin);
    }

    /** Takes an event of the stream (its SSE data), on any thread. */
    public void event(String data) {
        long now = System.nanoTime();
        onThread(() -> {
            try {
                report.event(new JsonObject(data), now);
            } catch (DecodeException e) {
                report.problem("an event that is not JSON: " + e.getMessage());
            }
        });
    }

    /** Waits for the end of the run (the devices stopped, then the grace period) and gives the summary. */
    public Summary awaitSummary() throws InterruptedException, ExecutionException {
        return ended.get();
    }

    private void begin() {
        report.otaaDevices = (int) fleet.devices().stream().filter(DevicePlan::otaa).count();
        for (DevicePlan plan : fleet.devices()) {
            VirtualDevice device = new VirtualDevice(plan, reach(), new Random(random.nextLong()), settings.region());
            devices.add(device);
            after(jittered(), () -> next(device));
        }
        thread.scheduleAtFixedRate(() -> guarded(this::keepalive), KEEPALIVE.toMillis(), KEEPALIVE.toMillis(),
                TimeUnit.MILLISECONDS);
        thread.scheduleAtFixedRate(() -> guarded(() -> out.accept(report.progress())), PROGRESS.toMillis(),
                PROGRESS.toMillis(), TimeUnit.MILLISECONDS);
        after(settings.duration(), this::stopSending);
    }

    /** A random subset of the gateways (at least two when there are), each with the signal it hears this device. */
    private List<VirtualDevice.Reach> reach() {
        List<VirtualGateway> shuffled = new ArrayList<>(gateways);
        Collections.shuffle(shuffled, random);
        int least = Math.min(2, shuffled.size());
        int count = least + random.nextInt(shuffled.size() - least + 1);
        List<VirtualDevice.Reach> reach = new ArrayList<>();
        for (VirtualGateway gateway : shuffled.subList(0, count)) {
            int rssi = RSSI_MIN + random.nextInt(RSSI_MAX - RSSI_MIN + 1);
            // A stronger signal tends to a better SNR; the rest is the noise at that gateway.
            double snr = SNR_MIN + (SNR_MAX - SNR_MIN) * (rssi - RSSI_MIN) / (RSSI_MAX - RSSI_MIN)
                    + random.nextGaussian() * 3;
            reach.add(new VirtualDevice.Reach(gateway, rssi, Math.max(SNR_MIN, Math.min(SNR_MAX, snr))));
        }
        return reach;
    }

    /** The device's next frame: a join-request until it joined, then an uplink; or nothing once it is done. */
    private void next(VirtualDevice device) {
        if (stopping) {
            return;
        }
        try {
            send(device);
        } catch (AssertionError | RuntimeException e) {
            // The spec device asserts what the specification requires; this device sends nothing more.
            report.problem(device.plan.devEui() + " stopped, its next frame failed: " + e);
        }
    }

    private void send(VirtualDevice device) {
        if (settings.uplinks().isPresent() && device.uplinks() >= settings.uplinks().getAsInt()) {
            done();
            return;
        }
        if (!device.joined()) {
            report.joinRequests++;
            transmit(device.joinRequest());
            return;
        }
        boolean confirmed = random.nextDouble() < settings.confirmedShare();
        VirtualDevice.Transmission uplink = device.uplink(confirmed);
        long pushed = transmit(uplink);
        report.uplinkSent(device.plan.devEui(), uplink.fCnt(), new SimulationReport.Sent(pushed, uplink.fPort(),
                uplink.payload(), confirmed));
    }

    /** The gateways in reach hear the frame now; the device listens in its two windows. Returns the push time. */
    private long transmit(VirtualDevice.Transmission transmission) {
        long sent = System.nanoTime();
        transmission.device().sentAt(sent);
        List<String> keys = new ArrayList<>();
        open.put(transmission, keys);
        for (VirtualDevice.Reach reach : transmission.device().reach) {
            int rssi = clamp(reach.rssi() + (int) Math.round(random.nextGaussian() * 2), RSSI_MIN, RSSI_MAX);
            double snr = Math.max(SNR_MIN, Math.min(SNR_MAX, reach.snr() + random.nextGaussian()));
            try {
                long tmst = reach.gateway().push(transmission.phy(), transmission.frequencyHz(), transmission.datr(),
                        rssi, Math.round(snr * 10) / 10.0);
                for (SpecDevice.Window window : List.of(transmission.rx1(), transmission.rx2())) {
                    String key = windowKey(reach.gateway().eui, tmst + window.delaySeconds() * 1_000_000L);
                    keys.add(key);
                    listening.put(key, new Listening(transmission, sent, window));
                }
            } catch (IOException e) {
                report.problem("gateway " + reach.gateway().eui + " could not push: " + e.getMessage());
            }
        }
        after(Duration.ofSeconds(transmission.rx2().delaySeconds()).plus(WINDOWS_CLOSE),
                () -> windowsClosed(transmission));
        return sent;
    }

    private static String windowKey(String gatewayEui, long tmst) {
        return gatewayEui + ":" + (tmst & 0xFFFF_FFFFL);
    }

    /**
     * A txpk: the device whose window opens at its gateway's {@code tmst}, on its frequency and data rate, receives
     * it when the window opens. One at no open window, or on the wrong channel, is a problem.
     */
    private void downlink(VirtualGateway.Txpk txpk) {
        Listening at = txpk.immediately() ? null : listening.get(windowKey(txpk.gateway().eui, txpk.tmst()));
        if (at == null) {
            report.problem("gateway " + txpk.gateway().eui + " was asked to transmit at " + (txpk.immediately()
                    ? "once (imme)" : "tmst " + txpk.tmst()) + ", when no device listens");
            return;
        }
        String device = at.transmission().device().plan.devEui();
        if (Math.abs(txpk.frequencyHz() - at.window().frequencyHz()) > 100 || !txpk.datr().equals(at.window().datr())) {
            report.problem("a downlink for " + device + " on " + txpk.frequencyHz() + " Hz " + txpk.datr()
                    + ", where its window listens on " + at.window().frequencyHz() + " Hz " + at.window().datr());
            return;
        }
        long opensIn = at.sentNanos() + at.window().delaySeconds() * 1_000_000_000L - System.nanoTime();
        if (opensIn < 0) {
            report.problem("a downlink for " + device + " reached its gateway " + (-opensIn / 1_000_000)
                    + " ms after the window opened");
            return;
        }
        after(Duration.ofNanos(opensIn), () -> deliver(at.transmission(), txpk.phy()));
    }

    private void deliver(VirtualDevice.Transmission transmission, byte[] phy) {
        VirtualDevice device = transmission.device();
        if (answered.containsKey(transmission) || !open.containsKey(transmission)) {
            report.problem("a second downlink for one frame of " + device.plan.devEui());
            return;
        }
        try {
            VirtualDevice.Received received = device.receive(phy, transmission);
            answered.put(transmission, received);
            switch (received) {
                case JOIN_ACCEPT -> {
                    report.joinAccepts++;
                    report.joinsAccepted++;
                }
                case ACK -> report.acks++;
                case OTHER -> report.otherDownlinks++;
            }
        } catch (AssertionError | RuntimeException e) {
            report.problem(device.plan.devEui() + " could not read its downlink: " + e.getMessage());
        }
    }

    /** The device stops listening: a lost join-request or ACK is counted, and it goes on to its next frame. */
    private void windowsClosed(VirtualDevice.Transmission transmission) {
        if (open.containsKey(transmission)) {
            judge(transmission);
            after(jittered(), () -> next(transmission.device()));
        }
    }

    /** Counts what the device received in the windows of {@code transmission}, which it no longer listens in. */
    private void judge(VirtualDevice.Transmission transmission) {
        open.remove(transmission).forEach(listening::remove);
        VirtualDevice.Received received = answered.remove(transmission);
        VirtualDevice device = transmission.device();
        if (transmission.join() && received == null) {
            report.joinRequestsUnanswered++;
        }
        if (transmission.confirmed()) {
            // The network acknowledges in a downlink of this uplink's windows (TS001 1.0.4 section 4.3.1.2).
            if (received == VirtualDevice.Received.ACK) {
                report.acknowledged++;
            } else {
                report.unacknowledged(device.plan.devEui(), transmission.fCnt());
            }
        }
    }

    /** The interval drawn within +-50 %. */
    private Duration jittered() {
        long mean = settings.interval().toMillis();
        return Duration.ofMillis(mean / 2 + (long) (random.nextDouble() * mean));
    }

    private void keepalive() {
        for (VirtualGateway gateway : gateways) {
            try {
                gateway.pullData();
            } catch (IOException e) {
                report.problem("gateway " + gateway.eui + " could not send PULL_DATA: " + e.getMessage());
            }
        }
    }

    /**
     * The devices send nothing more; the grace period begins. A device that sent nothing for longer than its gap
     * between frames allows stopped early (a failure of its own, or of the simulator).
     */
    private void stopSending() {
        if (!stopping) {
            stopping = true;
            long now = System.nanoTime();
            for (VirtualDevice device : devices) {
                boolean finished = settings.uplinks().isPresent()
                        && device.uplinks() >= settings.uplinks().getAsInt();
                if (!finished && now - device.lastSentNanos() > longestGap(device).toNanos()) {
                    report.stopped(device.plan.devEui(), "sent nothing in the last "
                            + Duration.ofNanos(now - device.lastSentNanos()).toMillis() + " ms");
                }
            }
            long graceUntil = now + settings.grace().toNanos();
            awaitGrace(graceUntil);
        }
    }

    /**
     * The longest a device waits between two frames: the windows of its last frame, then up to 1.5 intervals (and a
     * second for a busy simulation thread).
     */
    private Duration longestGap(VirtualDevice device) {
        return Duration.ofSeconds(device.lastRx2DelaySeconds()).plus(WINDOWS_CLOSE)
                .plus(settings.interval().multipliedBy(3).dividedBy(2)).plus(LATE);
    }

    /** A device sent its uplinks; once every one has, the devices stop. */
    private void done() {
        devicesDone++;
        if (devicesDone == devices.size()) {
            stopSending();
        }
    }

    /**
     * Ends the run once nothing is awaited (every event seen, every window closed) or the grace period is over, and
     * every window closed (bounded by the longest a window may stay open; one open after that is judged now).
     */
    private void awaitGrace(long graceUntil) {
        long now = System.nanoTime();
        boolean graceOver = now >= graceUntil;
        boolean windowsOver = now >= graceUntil + LONGEST_WINDOWS.toNanos();
        if ((report.awaitingEvents() && !graceOver || !open.isEmpty()) && !windowsOver) {
            after(GRACE_CHECK, () -> awaitGrace(graceUntil));
            return;
        }
        List.copyOf(open.keySet()).forEach(this::judge);
        for (VirtualDevice device : devices) {
            if (settings.uplinks().isPresent() && device.uplinks() < settings.uplinks().getAsInt()) {
                report.stopped(device.plan.devEui(), "sent " + device.uplinks() + " of " + settings.uplinks()
                        .getAsInt() + " uplinks");
            }
        }
        for (VirtualDevice device : devices) {
            if (device.plan.lorawan11() && device.joined() && device.uplinks() > 0) {
                report.indicating++;
                if (device.indicationConfirmed()) {
                    report.indicationsConfirmed++;
                }
            }
        }
        out.accept(report.progress());
        ended.complete(new Summary(report.summary(), report.lost()));
    }

    private void after(Duration delay, Runnable task) {
        thread.schedule(() -> guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} on the simulation thread; safe from any thread. Input after the run ended is dropped. */
    private void onThread(Runnable task) {
        try {
            thread.execute(() -> guarded(task));
        } catch (RejectedExecutionException ended) {
            // closed: the summary is made
        }
    }

    /**
     * Runs {@code task}, a failure of which is a problem of the run (the executor would swallow it, and a device
     * would stop without a word).
     */
    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (AssertionError | RuntimeException e) {
            report.problem("the simulator failed: " + e);
        }
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }

    @Override
    public void close() throws InterruptedException {
        for (VirtualGateway gateway : gateways) {
            gateway.close();
        }
        thread.shutdownNow();
    }
}
