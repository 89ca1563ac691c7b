/**
 * Per-frame processing between capture and Kafka: fps sampling, the motion gate with periodic
 * keyframes, JPEG encoding and cutting audio into snippets. Every class here is single-threaded:
 * one instance per camera loop.
 */
package dev.vigil.agent.pipeline;
