/**
 * The HTTP server every Vigil service runs: health probes, metrics and the service's own routes,
 * guarded by the site's {@link dev.vigil.config.HttpAccess} tokens.
 */
package dev.vigil.config.http;
