package main

import (
	"context"
	"fmt"
	"strings"
)

// subcommand is one verb of a command group such as `civivote election`.
type subcommand struct {
	name string
	run  func(ctx context.Context, e env, args []string) error
}

// dispatch runs the subcommand args[0] of command group, printing usage for --help and
// answering a missing or unknown verb with a usage error (exit 2) naming the verbs there are.
func dispatch(ctx context.Context, e env, group, usage string, subs []subcommand, args []string) error {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	say := sayList(names)
	if len(args) == 0 {
		return usageErr("civivote %s: say %s (see civivote %s --help)", group, say, group)
	}
	switch args[0] {
	case "--help", "-h", "help":
		fmt.Fprintf(e.stdout, "Usage: civivote %s\n", usage)
		return nil
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(ctx, e, args[1:])
		}
	}
	return usageErr("civivote %s: unknown subcommand %q: say %s", group, args[0], say)
}

// sayList joins names as a person would: "a, b or c".
func sayList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
