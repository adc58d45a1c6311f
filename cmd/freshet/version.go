package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// readBuildInfo is debug.ReadBuildInfo, replaceable by tests.
var readBuildInfo = debug.ReadBuildInfo

// versionLine returns the version of the program, from its build info: the
// module version ("(devel)" for a build from a checkout), the VCS revision
// and time when the build recorded them (with "+dirty" for modified
// checkouts), and the Go version.
func versionLine() string {
	bi, ok := readBuildInfo()
	if !ok {
		return "freshet (no build info)"
	}
	var b strings.Builder
	b.WriteString("freshet ")
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	b.WriteString(v)
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		b.WriteString(" revision " + rev)
		if settings["vcs.modified"] == "true" {
			b.WriteString("+dirty")
		}
		if t := settings["vcs.time"]; t != "" {
			b.WriteString(" (" + t + ")")
		}
	}
	b.WriteString(" " + bi.GoVersion)
	return b.String()
}

// printVersion writes the version line to w.
func printVersion(w io.Writer) {
	fmt.Fprintln(w, versionLine())
}
