package net.lorawanns.core.region;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The transmit duty-cycle limits that apply in a region: RP002 refers to the local regulation, and gives a limit for
 * a few regions only. The limits are the regulatory ones for the sub-bands RP002 or the regulation it cites names;
 * a frequency outside every listed sub-band has no duty-cycle limit here (other rules, such as listen-before-talk or
 * dwell time, may apply: {@link #rule()} says which).
 *
 * @param rule what applies, in words
 * @param limits the sub-bands with a duty-cycle limit
 */
public record DutyCycle(String rule, List<Limit> limits) {
    public DutyCycle {
        limits = List.copyOf(limits);
    }

    /** One sub-band's limit: at most {@code percent} % of the time on air, from {@code fromHz} to {@code toHz}. */
    public record Limit(long fromHz, long toHz, double percent) {
    }

    /** The sub-band limit that holds a frequency, or empty when none does. */
    public Optional<Limit> limitAt(long frequencyHz) {
        for (Limit limit : limits) {
            if (frequencyHz >= limit.fromHz() && frequencyHz <= limit.toHz()) {
                return Optional.of(limit);
            }
        }
        return Optional.empty();
    }

    /** The limit in percent at a frequency, or empty when no listed sub-band holds it. */
    public OptionalDouble percentAt(long frequencyHz) {
        return limitAt(frequencyHz).map(limit -> OptionalDouble.of(limit.percent())).orElse(OptionalDouble.empty());
    }
}
