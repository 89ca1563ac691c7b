/**
 * The distribution: the one {@code vigil} CLI ({@link dev.vigil.deploy.VigilCli}) and the wiring
 * that runs agent, processor and alerts against real or embedded brokers.
 */
package dev.vigil.deploy;
