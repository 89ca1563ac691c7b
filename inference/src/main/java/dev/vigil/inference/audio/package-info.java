/**
 * Audio analysis in pure Java: the A-weighted level of a snippet ({@link
 * dev.vigil.inference.audio.LevelMeter}), sustained tonal alarms ({@link
 * dev.vigil.inference.audio.AlarmDetector}) and broadband impulses ({@link
 * dev.vigil.inference.audio.ImpulseDetector}), combined per stream by {@link
 * dev.vigil.inference.audio.AudioAnalyzer}. It owns the DSP and file decoding for audio; it knows
 * nothing of Kafka or cameras.
 */
package dev.vigil.inference.audio;
