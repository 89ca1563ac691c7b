package dev.vigil.processor;

import dev.vigil.config.Violation;

/**
 * An alert of a {@code verify: vlm} prompt, between its open event and the model's verdict, or
 * after the model rejected it under {@code gate}. Stored as JSON, keyed by episode id.
 *
 * @param violation the held open event; null once released (then {@code rejected} is true)
 * @param timestamp the open event's record timestamp
 * @param mode {@code annotate} or {@code gate}
 * @param heldAt wall-clock millis the event was held, so a verdict that never comes releases it
 * @param rejected true once the model rejected the episode under {@code gate}: its later events are
 *     not alerts either
 */
record PendingAlert(
    Violation violation, long timestamp, String mode, long heldAt, boolean rejected) {}
