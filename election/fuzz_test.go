package election

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no file, however broken, panics the parser, and that every
// rejection is a located DefinitionError. Run with -fuzz=FuzzParse to search further.
func FuzzParse(f *testing.F) {
	f.Add(validYAML)
	f.Add("slug: [")
	f.Add("a: &x {b: *x}\n")
	f.Add("positions: [{key: a, seats: 99999999999999999999}]")
	for _, name := range []string{"wise-ra-2023.yaml", "wsn-board-2024.yaml"} {
		if b, err := os.ReadFile(filepath.Join(fixtureDir, name)); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		def, err := Parse(strings.NewReader(src), "fuzz.yaml")
		if err == nil {
			if def == nil || def.Location == nil || len(def.Positions) == 0 {
				t.Fatalf("accepted an incomplete definition: %+v", def)
			}
			return
		}
		var de *DefinitionError
		if !errors.As(err, &de) || len(de.Problems) == 0 {
			t.Fatalf("rejection is not a DefinitionError with problems: %v", err)
		}
	})
}

// FuzzNormalizeStatement checks that an accepted statement is stable under
// normalisation, within the limit, and free of control characters.
func FuzzNormalizeStatement(f *testing.F) {
	f.Add("Hello,\r\n\r\n\r\nfellow workers!  ", 5)
	f.Add("我是工人 IWW—union", 3)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 1 || max > 1000 {
			return
		}
		got, err := NormalizeStatement(s, max)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error of the wrong kind: %v", err)
			}
			return
		}
		if again, err := NormalizeStatement(got, max); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q, %v", got, again, err)
		}
		if n := CountWords(got); n < 1 || n > max {
			t.Fatalf("accepted %d words with limit %d", n, max)
		}
		if strings.ContainsAny(got, "\r\x00\x1b") {
			t.Fatalf("control characters survived: %q", got)
		}
	})
}
