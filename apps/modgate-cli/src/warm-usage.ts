/** `modgate warm --help` (apart from the command, so printing it loads nothing heavy). */
export const WARM_USAGE = `usage:
  modgate warm -f go.mod [--jobs N] [--progress] [--list]
  modgate warm <module>@<version>... [--jobs N] [--progress] [--list]

Pre-fetches a whole dependency graph through modgate, so later builds are cache hits: the .mod of
every required version (the module graph, as the go command walks it), then the .info, .mod and
.zip of each module of the build list (highest version of each path). Replacements are fetched
instead of what they replace; local-directory replacements and excluded versions are skipped.

  -f, --file FILE   the go.mod of a project
  --jobs N          requests at a time (default 8)
  --progress        draw the progress bar even when stderr is not a terminal
  --list            print the build list (path version [=> replacement]) on stdout

Credentials: MODGATE_URL and MODGATE_TOKEN, or the .netrc entry (NETRC, default ~/.netrc) for the
server's host. Exit status 1 if any file could not be fetched.`;
