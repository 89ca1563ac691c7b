/**
 * The edge agent: runs one capture loop per camera, samples, gates, encodes and produces frames to
 * {@code vigil.frames} and audio snippets to {@code vigil.audio}. Entry point: {@link
 * dev.vigil.agent.EdgeAgent}. Capture lives in {@code capture}, per-frame processing in {@code
 * pipeline}, the disk spool for Kafka outages in {@code spool}.
 */
package dev.vigil.agent;
