/** `modgate doctor --help` (apart from the command, so printing it loads nothing heavy). */
export const DOCTOR_USAGE = `usage: modgate doctor [--timeout SECONDS]

Checks the configuration the server would start with (the environment and MODGATE_CONFIG), one
line per check, ok / WARN / FAIL with the reason: the configuration, the database and its
migrations, the blob storage (a probe object is written, read back and deleted), LDAP, each
upstream proxy, each git origin, and the TLS certificate and key. Each check gives up after
--timeout seconds (default 5). Exit status 0 when nothing FAILs, 1 otherwise.`;
