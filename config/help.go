package config

import (
	"fmt"
	"io"
	"strings"
)

// WriteHelp writes every variable with its default and whether it is required or secret.
func WriteHelp(w io.Writer) error {
	for _, v := range Variables() {
		var notes []string
		if v.Required {
			notes = append(notes, "required")
		}
		if v.Default != "" {
			notes = append(notes, "default "+v.Default)
		}
		if v.Secret {
			notes = append(notes, "secret, or put it in a file named by "+v.Name+"_FILE")
		}
		if _, err := fmt.Fprintf(w, "  %s  (%s)\n      %s\n", v.Name, strings.Join(notes, "; "), v.Help); err != nil {
			return err
		}
	}
	return nil
}
