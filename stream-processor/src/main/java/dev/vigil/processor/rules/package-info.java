/**
 * Temporal rules: turn a per-frame answer into violation episodes, in event time. Holds the pure
 * rule state machine ({@link dev.vigil.processor.rules.TemporalRule}) and the processor that keeps
 * its state in a state store.
 */
package dev.vigil.processor.rules;
