package outbox

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// CiviCRM's limits on a group (civicrm_group): name is VARCHAR(64), title VARCHAR(255), and
// both are UNIQUE, so two elections must never share either.
const (
	// MaxGroupName is the longest machine name civicrm_group.name holds (bytes; names here
	// are ASCII).
	MaxGroupName = 64
	// MaxGroupTitle is the longest title civicrm_group.title holds (characters).
	MaxGroupTitle = 255
)

// ElectionGroup is the election's CiviCRM mailing group: every member with a personal link.
// The comms admin sends the announcement to it from CiviMail. Its name is a stable machine
// name derived from the slug alone ("civivote_wise_ra_2023"), so renaming the election does
// not make a second group; its title is what CiviMail shows ("<title>: voters").
func ElectionGroup(slug, title string) Group {
	return Group{Name: groupName(slug, ""), Title: groupTitle(title, slug, ": voters")}
}

// NotVotedGroup is the election's "not yet voted" group for reminder mailings: members with
// a link who have not voted. Name "civivote_<slug>_not_voted", title "<title>: not yet voted".
func NotVotedGroup(slug, title string) Group {
	return Group{Name: groupName(slug, "_not_voted"), Title: groupTitle(title, slug, ": not yet voted")}
}

// groupName is "civivote_" + slug + suffix with the slug's hyphens as underscores (slugs
// have no underscores, so distinct slugs keep distinct names). A slug too long for CiviCRM's
// 64 bytes is cut and followed by a hash of the whole slug, so the name stays unique.
func groupName(slug, suffix string) string {
	const prefix = "civivote_"
	s := strings.ReplaceAll(slug, "-", "_")
	if len(prefix)+len(s)+len(suffix) <= MaxGroupName {
		return prefix + s + suffix
	}
	sum := sha256.Sum256([]byte(slug))
	tag := "_" + hex.EncodeToString(sum[:4])
	keep := MaxGroupName - len(prefix) - len(tag) - len(suffix)
	return prefix + s[:keep] + tag + suffix
}

// groupTitle is title + suffix, the title shortened with "…" if the whole would pass CiviCRM's
// 255 characters. A shortened title carries the slug in brackets, since two long titles that
// differ only at the end would otherwise collide on CiviCRM's unique titles.
func groupTitle(title, slug, suffix string) string {
	title = strings.TrimSpace(title)
	if title == "" {
		title = slug
	}
	if utf8.RuneCountInString(title)+utf8.RuneCountInString(suffix) <= MaxGroupTitle {
		return title + suffix
	}
	tail := "… [" + slug + "]" + suffix
	keep := MaxGroupTitle - utf8.RuneCountInString(tail)
	r := []rune(title)
	return strings.TrimSpace(string(r[:keep])) + tail
}
