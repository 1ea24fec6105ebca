// Package outbox is civivote's durable queue of writes to CiviCRM: voting links, group
// memberships and officer relationships. Callers enqueue items (in their own database
// transaction when the write must commit with other state); a Worker claims due items in
// batches, delivers them through a Sink and retries failures with backoff, so a crash or a
// CiviCRM outage delays writes but loses and duplicates none.
//
// Every write is idempotent on CiviCRM's side (saves by id or with match), which is what
// makes retrying a batch that may have been partly applied safe. The package imports no
// infrastructure: package store implements Store, package civicrm implements Sink.
package outbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Kind names an operation; it is stored with each item and selects the Sink method.
type Kind string

// The operations the outbox carries.
const (
	KindLink         Kind = "link"
	KindGroupAdd     Kind = "group_add"
	KindGroupRemove  Kind = "group_remove"
	KindRelationship Kind = "relationship"
)

// Kinds lists every kind in the order a drain serves them: links and group adds first, as
// they gate the announcement mailing.
var kinds = [...]Kind{KindLink, KindGroupAdd, KindGroupRemove, KindRelationship}

// MaxKeyLen is the longest dedupe key or scope the outbox table holds.
const MaxKeyLen = 191

// Item is one write waiting to be enqueued. Build it with SetLink, AddToGroup,
// RemoveFromGroup or SaveRelationship.
type Item struct {
	Kind Kind
	// Key makes enqueueing idempotent: an item whose key is already queued (in any state,
	// delivered included) is not queued again.
	Key string
	// Scope, when set, names what the item overwrites in CiviCRM. Enqueueing it supersedes
	// older pending items of the same scope, so writes to one thing land in the order they
	// were queued.
	Scope   string
	Payload []byte // JSON of Link, Membership or Relationship
}

// Link asks for a member's personal voting link to be written to a contact custom field.
// It holds no URL: the URL carries the token, which MySQL must never hold, so the Worker
// derives it at delivery with Options.LinkURL.
type Link struct {
	Field      string `json:"field"` // APIv4 name, e.g. "Union_Sync.voting_link"
	Election   string `json:"election"`
	ContactID  int64  `json:"contact_id"`
	Generation int    `json:"generation"`
}

// ContactURL is a link ready to write: the contact and its URL, a personal secret that is
// never logged or stored.
type ContactURL struct {
	ContactID int64
	URL       string
}

// Group is a CiviCRM mailing group, created on first use.
type Group struct {
	Name  string `json:"name"` // machine name, stable
	Title string `json:"title"`
}

// Membership is a contact's place in a group.
type Membership struct {
	Group     Group `json:"group"`
	ContactID int64 `json:"contact_id"`
	// Round tells a later add or remove of the same contact from earlier ones (a member
	// who lapses and returns is removed and added again): it is part of the dedupe key, not
	// of the write. Zero for the first.
	Round int `json:"-"`
}

// Relationship is an elected officer's tenure: ContactA is Type (a relationship type's
// name_a_b) of organisation ContactB. CiviCRM finds the record to update by contacts, type
// and start date, so each tenure is a record of its own and a re-elected officer's earlier
// tenures stay as they were; a record read from CiviCRM is changed by its ID.
type Relationship struct {
	// ID, when set, is the CiviCRM relationship to change (read back from CiviCRM, e.g. a
	// previous holder's tenure to end); zero saves by contacts, type and start date.
	ID          int64     `json:"id,omitempty"`
	ContactA    int64     `json:"contact_a"`
	ContactB    int64     `json:"contact_b"`
	Type        string    `json:"type"`
	Start       time.Time `json:"start"`        // a date: midnight UTC
	End         time.Time `json:"end,omitzero"` // zero: open-ended
	Description string    `json:"description"`  // the position title
	// Inactive ends a tenure early (saved with is_active false); the zero value is active.
	Inactive bool `json:"inactive,omitempty"`
}

// SetLink queues writing a voting link. Re-issuing a link (a new Generation) queues a new
// item that supersedes the old one if that is still pending.
func SetLink(l Link) Item {
	c := strconv.FormatInt(l.ContactID, 10)
	return Item{Kind: KindLink, Key: "link:" + l.Election + ":" + c + ":" + strconv.Itoa(l.Generation),
		Scope: "link:" + l.Election + ":" + c, Payload: mustJSON(l)}
}

// AddToGroup queues adding a contact to a group. Queued once per (group, contact, round):
// after a RemoveFromGroup the contact is added back only by an add of a later Round.
func AddToGroup(m Membership) Item {
	c := strconv.FormatInt(m.ContactID, 10)
	return Item{Kind: KindGroupAdd, Key: "group-add:" + m.Group.Name + ":" + c + round(m.Round),
		Scope: "group:" + m.Group.Name + ":" + c, Payload: mustJSON(m)}
}

// RemoveFromGroup queues removing a contact from a group (a voter from "not yet voted"). It
// supersedes the contact's add to that group if the add is still pending.
func RemoveFromGroup(m Membership) Item {
	c := strconv.FormatInt(m.ContactID, 10)
	return Item{Kind: KindGroupRemove, Key: "group-remove:" + m.Group.Name + ":" + c + round(m.Round),
		Scope: "group:" + m.Group.Name + ":" + c, Payload: mustJSON(m)}
}

// round is a Membership's Round in its dedupe key: nothing for the first, so keys queued
// before rounds existed stay the same.
func round(r int) string {
	if r == 0 {
		return ""
	}
	return "#" + strconv.Itoa(r)
}

// SaveRelationship queues saving an officer's tenure for the write-back of election slug.
// Saving the same tenure twice queues it once; a changed write to the same CiviCRM record
// (same contacts, type and start date, or the same ID) supersedes a pending older one. The
// key starts with the election (WritebackKeyPrefix), so an election's write-back can be
// counted; the payload's digest in it keeps every distinct write apart.
func SaveRelationship(slug string, r Relationship) Item {
	p := mustJSON(r)
	sum := sha256.Sum256(p)
	record := "start:" + r.Start.UTC().Format(time.DateOnly)
	if r.ID != 0 {
		record = "id:" + strconv.FormatInt(r.ID, 10)
	}
	return Item{Kind: KindRelationship,
		Key:   WritebackKeyPrefix(slug) + strconv.FormatInt(r.ContactA, 10) + ":" + hex.EncodeToString(sum[:12]),
		Scope: fmt.Sprintf("relationship:%d:%d:%s:%s", r.ContactA, r.ContactB, r.Type, record), Payload: p}
}

// WritebackKeyPrefix starts the dedupe key of every officer relationship queued by the
// write-back of election slug.
func WritebackKeyPrefix(slug string) string { return "writeback:" + slug + ":" }

// Validate checks what the table would otherwise reject or truncate. Stores call it on every
// item they queue.
func (it Item) Validate() error {
	switch {
	case it.Key == "":
		return fmt.Errorf("outbox: %s item has no dedupe key", it.Kind)
	case len(it.Key) > MaxKeyLen || len(it.Scope) > MaxKeyLen:
		return fmt.Errorf("outbox: item key %.40q… is longer than %d bytes: use a shorter election slug or group name",
			it.Key, MaxKeyLen)
	case !json.Valid(it.Payload):
		return fmt.Errorf("outbox: item %q has a payload that is not JSON", it.Key)
	}
	for _, k := range kinds {
		if it.Kind == k {
			return nil
		}
	}
	return fmt.Errorf("outbox: item %q has unknown kind %q", it.Key, it.Kind)
}

// mustJSON encodes the payload types above, which cannot fail to encode.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("outbox: encode %T: %v", v, err))
	}
	return b
}
