/*
 * Apart from mysql-connection.ts so that reading the configuration loads no driver: tracing,
 * decided by the configuration, must be set up before mysql2 is first required.
 */

/**
 * Callers that may wait for a connection, per connection, unless configured. With the default
 * pool that is half the default bound on requests in flight: a stalled database then has its
 * callers refused before they take every request slot, and reads the cache serves go on.
 */
export const WAITERS_PER_CONNECTION = 50;
