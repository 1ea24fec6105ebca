package outbox_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/civivote/civivote/outbox"
)

const fixtureTitle = "2023 IWW WISE-RA Regional Administration Officer Elections"

func TestElectionGroupsOfTheFixture(t *testing.T) {
	for _, tc := range []struct {
		got  outbox.Group
		want outbox.Group
	}{
		{outbox.ElectionGroup("wise-ra-2023", fixtureTitle),
			outbox.Group{Name: "civivote_wise_ra_2023", Title: fixtureTitle + ": voters"}},
		{outbox.NotVotedGroup("wise-ra-2023", fixtureTitle),
			outbox.Group{Name: "civivote_wise_ra_2023_not_voted", Title: fixtureTitle + ": not yet voted"}},
		{outbox.ElectionGroup("x", "  "), outbox.Group{Name: "civivote_x", Title: "x: voters"}},
	} {
		if tc.got != tc.want {
			t.Errorf("got %+v, want %+v", tc.got, tc.want)
		}
	}
}

// CiviCRM refuses (or cuts) a name over 64 bytes or a title over 255 characters, and keeps
// both unique: the longest slugs and titles must still give distinct groups that fit.
func TestElectionGroupsFitCiviCRMAndStayDistinct(t *testing.T) {
	long := strings.Repeat("a", 63)
	slugs := []string{long + "b", long + "c", strings.Repeat("ab-", 21) + "z", "wise-ra-2023", "wise-ra-2024"}
	title := strings.Repeat("Élection régionale ", 20) // 380 characters
	names, titles := map[string]string{}, map[string]string{}
	for _, slug := range slugs {
		for _, g := range []outbox.Group{outbox.ElectionGroup(slug, title), outbox.NotVotedGroup(slug, title)} {
			if len(g.Name) > outbox.MaxGroupName {
				t.Errorf("slug %q: name %q is %d bytes, CiviCRM holds %d", slug, g.Name, len(g.Name), outbox.MaxGroupName)
			}
			if n := utf8.RuneCountInString(g.Title); n > outbox.MaxGroupTitle || !utf8.ValidString(g.Title) {
				t.Errorf("slug %q: title is %d characters (valid UTF-8: %v), CiviCRM holds %d", slug, n,
					utf8.ValidString(g.Title), outbox.MaxGroupTitle)
			}
			if other, dup := names[g.Name]; dup {
				t.Errorf("slugs %q and %q share the group name %q", other, slug, g.Name)
			}
			if other, dup := titles[g.Title]; dup {
				t.Errorf("slugs %q and %q share the group title %q", other, slug, g.Title)
			}
			names[g.Name], titles[g.Title] = slug, slug
			if !strings.HasPrefix(g.Name, "civivote_") {
				t.Errorf("name %q does not start with civivote_", g.Name)
			}
		}
	}
	if g := outbox.NotVotedGroup(long+"b", title); !strings.HasSuffix(g.Title, ": not yet voted") ||
		!strings.HasSuffix(g.Name, "_not_voted") {
		t.Errorf("shortened group %+v lost its suffix", g)
	}
	// The group's dedupe keys must fit the outbox table too.
	it := outbox.AddToGroup(outbox.Membership{Group: outbox.NotVotedGroup(long+"b", title), ContactID: 1 << 62, Round: 1 << 30})
	if err := it.Validate(); err != nil {
		t.Errorf("an add to the longest group does not fit the outbox: %v", err)
	}
}

// The name depends on the slug alone: renaming an election must not create a second group.
func TestElectionGroupNameIgnoresTheTitle(t *testing.T) {
	a, b := outbox.ElectionGroup("wise-ra-2023", "Old title"), outbox.ElectionGroup("wise-ra-2023", "New title")
	if a.Name != b.Name {
		t.Errorf("names %q and %q differ after a retitle", a.Name, b.Name)
	}
}
