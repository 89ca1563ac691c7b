/**
 * The agent's disk spool: records that Kafka could not take are appended to segment files and
 * replayed, oldest first, once it can. Owns the spool folder's file format.
 */
package dev.vigil.agent.spool;
