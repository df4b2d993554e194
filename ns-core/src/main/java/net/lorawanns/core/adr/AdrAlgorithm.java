package net.lorawanns.core.adr;

/**
 * An ADR algorithm: from a device's recent uplinks and current settings, the data rate, TX power and NbTrans to
 * give it. The server calls {@link #decide} for each new uplink of a device that has ADR on (its device
 * profile's and the ADR bit of the frame); the device profile names the algorithm by its {@link #id()}
 * ({@code adr_algorithm}).
 *
 * <p>Operators add their own: implement this interface with a public no-argument constructor, list the class in
 * {@code META-INF/services/net.lorawanns.core.adr.AdrAlgorithm} and put the jar on the server's class path;
 * {@link AdrAlgorithms} finds it with {@link java.util.ServiceLoader}.
 *
 * <p>Threads: one instance serves every device and {@link #decide} runs on the pipeline's event loops, several
 * at a time; it must not block (no I/O, no locks held long) and must be thread-safe, best stateless.
 */
public interface AdrAlgorithm {

    /** The name device profiles use, unique among the algorithms on the class path. */
    String id();

    /**
     * The settings to send to the device, or {@link AdrDecision#unchanged()}. A decision must keep within
     * {@link AdrInput#limits()}; one that does not is refused (see {@link AdrAlgorithms}). Answering ADRACKReq
     * needs no decision: any downlink does, and the MAC layer sends one.
     */
    AdrDecision decide(AdrInput input);
}
