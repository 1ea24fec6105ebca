package config

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteHelp writes every variable with its default and whether it is required or secret.
func WriteHelp(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tDEFAULT\tNOTES")
	for _, v := range Variables() {
		def := v.Default
		if def == "" {
			def = "-"
		}
		notes := ""
		switch {
		case v.Required && v.Secret:
			notes = "required, secret (or " + v.Name + "_FILE)"
		case v.Required:
			notes = "required"
		case v.Secret:
			notes = "secret (or " + v.Name + "_FILE)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", v.Name, def, notes)
		fmt.Fprintf(tw, "  %s\t\t\n", v.Help)
	}
	return tw.Flush()
}
