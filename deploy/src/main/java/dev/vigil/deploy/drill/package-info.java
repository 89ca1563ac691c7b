/**
 * {@code vigil drill}: fault drills on the production shape, every part in its own OS process (a
 * 3-broker KRaft cluster, mosquitto, two processors, alerts, agents on real footage), with a real
 * MQTT subscriber counting what arrives. See docs/RELIABILITY.md.
 */
package dev.vigil.deploy.drill;
