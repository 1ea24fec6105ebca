package election

import (
	"fmt"
	"strings"
	"time"
)

// maxNameLen bounds slugs and position keys: they appear in URLs, CiviCRM group names
// and database keys.
const maxNameLen = 64

// checkWindows enforces the order DESIGN.md requires: nominations open < close ≤ voting
// opens < closes; roll_closes ≤ voting closes; tenure starts after voting closes.
func (d *decoder) checkWindows(def *Definition) {
	zone := def.Location
	show := func(t time.Time) string { return t.In(zone).Format(localLayout) }
	n, v := def.Nominations, def.Voting
	if !n.Opens.IsZero() && !n.Closes.IsZero() && !n.Opens.Before(n.Closes) {
		d.problemAt("nominations.closes", "nominations.closes (%s) must be after nominations.opens (%s)",
			show(n.Closes), show(n.Opens))
	}
	if !v.Opens.IsZero() && !v.Closes.IsZero() && !v.Opens.Before(v.Closes) {
		d.problemAt("voting.closes", "voting.closes (%s) must be after voting.opens (%s)",
			show(v.Closes), show(v.Opens))
	}
	if !n.Closes.IsZero() && !v.Opens.IsZero() && v.Opens.Before(n.Closes) {
		d.problemAt("voting.opens", "voting.opens (%s) must not be before nominations.closes (%s): "+
			"members must know the candidates before they vote", show(v.Opens), show(n.Closes))
	}
	if !def.RollCloses.IsZero() && !v.Closes.IsZero() && v.Closes.Before(def.RollCloses) {
		d.problemAt("roll_closes", "roll_closes (%s) must not be after voting.closes (%s); "+
			"remove it or move it earlier", show(def.RollCloses), show(v.Closes))
	}
	if !def.TenureStarts.IsZero() && !v.Closes.IsZero() {
		if closeDay := DateOf(v.Closes.In(zone)); !closeDay.Before(def.TenureStarts) {
			d.problemAt("tenure_starts", "tenure_starts (%s) must be a day after voting closes (%s)",
				def.TenureStarts, closeDay)
		}
	}
}

// checkIdentifiers enforces URL-safe, unique slug and position keys.
func (d *decoder) checkIdentifiers(def *Definition) {
	if def.Slug != "" {
		if msg := nameProblem(def.Slug); msg != "" {
			d.problemAt("slug", "slug %q %s", def.Slug, msg)
		}
	}
	first := map[string]int{}
	for i, p := range def.Positions {
		path := fmt.Sprintf("positions[%d].key", i)
		if p.Key == "" {
			continue
		}
		if msg := nameProblem(p.Key); msg != "" {
			d.problemAt(path, "%s %q %s", path, p.Key, msg)
		}
		if j, dup := first[p.Key]; dup {
			d.problemAt(path, "%s %q is already used by positions[%d]; each position needs its own key", path, p.Key, j)
			continue
		}
		first[p.Key] = i
	}
}

// ValidName reports whether s may be used as an election slug or position key:
// 1 to 64 lowercase ASCII letters, digits and single hyphens, not starting or ending
// with a hyphen, so it reads well and needs no escaping in a URL.
func ValidName(s string) bool { return nameProblem(s) == "" }

func nameProblem(s string) string {
	ok := len(s) > 0 && len(s) <= maxNameLen && s[0] != '-' && s[len(s)-1] != '-' && !strings.Contains(s, "--")
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			ok = false
		}
	}
	if ok {
		return ""
	}
	msg := fmt.Sprintf("must be at most %d lowercase letters, digits and single hyphens, "+
		"not starting or ending with a hyphen", maxNameLen)
	if s2 := slugify(s); s2 != "" && s2 != s {
		msg += fmt.Sprintf(", for example %q", s2)
	}
	return msg
}

// slugify suggests a valid name for s.
func slugify(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
			continue
		}
		hyphen = true
	}
	out := b.String()
	if len(out) > maxNameLen {
		out = strings.TrimRight(out[:maxNameLen], "-")
	}
	return out
}
