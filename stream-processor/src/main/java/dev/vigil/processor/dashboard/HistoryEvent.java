package dev.vigil.processor.dashboard;

import dev.vigil.config.Violation;

/**
 * One violation event of the current UTC day: the value of {@link DashboardTopology#HISTORY_STORE}.
 * Immutable.
 *
 * @param timestamp event time of the event (its record timestamp), epoch millis
 * @param violation the event
 */
public record HistoryEvent(long timestamp, Violation violation) {}
