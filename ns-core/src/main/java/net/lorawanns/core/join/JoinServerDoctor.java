package net.lorawanns.core.join;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.lorawanns.core.types.Eui64;

/**
 * The join-server check: what the server would do for a JoinEUI, step by step (resolution, TLS, a harmless Backend
 * Interfaces request), for the operator. The port the API calls; the join client implements it.
 */
public interface JoinServerDoctor {

    /**
     * Checks the path a join-request of {@code joinEui} would take. Never fails: every problem is a finding.
     *
     * @param devEui a device to ask the join server about; empty: a DevEUI no device has, which the server must
     *               refuse
     */
    Future<Report> check(Eui64 joinEui, Optional<Eui64> devEui);

    /** The steps of a check, in order. */
    enum Step {
        RESOLUTION, TLS, BACKEND_INTERFACES;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What a finding says: {@code INFO} what was found, {@code OK} a step passed, {@code WARN} a problem joins get
     * past (e.g. DNS has no record but the default applies), {@code FAIL} a problem that stops joins, with what to
     * change.
     */
    enum Verdict {
        INFO, OK, WARN, FAIL
    }

    /** One line of a check. */
    record Finding(Step step, Verdict verdict, String text) {
        public String line() {
            return String.format("%-18s %-4s %s", step.label(), verdict, text);
        }

        public JsonObject toJson() {
            return new JsonObject().put("step", step.label()).put("verdict", verdict.name().toLowerCase(Locale.ROOT))
                    .put("text", text);
        }
    }

    /** A finished check: its findings in order; a join reaches a working server when none failed. */
    record Report(Eui64 joinEui, List<Finding> findings) {
        public Report {
            findings = List.copyOf(findings);
        }

        /** The findings step by step (a later step can add to an earlier one, e.g. TLS learns from the request). */
        public List<Finding> inStepOrder() {
            List<Finding> ordered = new ArrayList<>();
            for (Step step : Step.values()) {
                findings.stream().filter(f -> f.step() == step).forEach(ordered::add);
            }
            return ordered;
        }

        public boolean joinWouldWork() {
            return findings.stream().noneMatch(f -> f.verdict() == Verdict.FAIL);
        }

        public JsonObject toJson() {
            JsonArray steps = new JsonArray();
            for (Step step : Step.values()) {
                JsonArray lines = new JsonArray();
                inStepOrder().stream().filter(f -> f.step() == step).forEach(f -> lines.add(f.toJson()));
                steps.add(new JsonObject().put("step", step.label()).put("findings", lines));
            }
            return new JsonObject().put("join_eui", joinEui.toString()).put("join_would_work", joinWouldWork())
                    .put("steps", steps);
        }
    }
}
