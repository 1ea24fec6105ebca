package roster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Override is the committee's decision on one contact's eligibility, which wins over syncs
// until it expires.
type Override struct {
	ContactID int64
	Eligible  bool
	Reason    string
	Until     time.Time
	Actor     string
	SetAt     time.Time // filled in by Override
}

// Active reports whether the override still wins at now.
func (o Override) Active(now time.Time) bool { return now.Before(o.Until) }

// MemberRecord is a mirrored member with its standing.
type MemberRecord struct {
	Member
	InGoodStanding bool
	FirstSeenAt    time.Time
	LastSeenAt     time.Time // last time the row changed; see Standing.LastSeen
	LapsedAt       time.Time // zero when in good standing
	LapseReason    string
}

// Event is one eligibility change from the audit log.
type Event struct {
	At     time.Time
	Actor  string
	Action string // member.added, member.lapsed, member.reactivated, member.override, …
	Reason string
}

// Standing answers "why can't I vote?" for one contact.
type Standing struct {
	ContactID int64
	Known     bool // mirrored at all
	Eligible  bool // what counts now, override included
	// Why is one sentence for the admin to read out.
	Why      string
	Member   MemberRecord
	Override *Override // in force, or expired and not yet taken back by a sync
	// LastSeen is when CiviCRM last returned the contact: the last applied run for a member
	// in good standing without an override (unchanged rows are not rewritten each run),
	// else the last change of the row.
	LastSeen time.Time
	History  []Event
}

// Override records the committee's decision and applies it to the member at once.
func (s *Syncer) Override(ctx context.Context, o Override) error {
	now := s.now()
	switch {
	case o.ContactID <= 0:
		return fmt.Errorf("roster: override: contact id %d is not valid: give the CiviCRM contact id", o.ContactID)
	case strings.TrimSpace(o.Reason) == "":
		return errors.New("roster: override: a reason is required (--reason): it is what the audit log shows")
	case !o.Until.After(now):
		return fmt.Errorf("roster: override: the end date %s has passed: give a date in the future (--until)", o.Until.Format(time.DateOnly))
	case strings.TrimSpace(o.Actor) == "":
		return errors.New("roster: override: who made the decision is required (actor)")
	}
	o.SetAt = now
	if err := s.store.SetOverride(ctx, o); err != nil {
		return fmt.Errorf("roster: override contact %d: %w", o.ContactID, err)
	}
	return nil
}

// Lookup explains one contact's standing from the mirror, the overrides and the history.
func (s *Syncer) Lookup(ctx context.Context, contactID int64) (Standing, error) {
	now := s.now()
	st := Standing{ContactID: contactID}
	m, err := s.store.Member(ctx, contactID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return Standing{}, fmt.Errorf("roster: look up contact %d: %w", contactID, err)
	default:
		st.Known, st.Member, st.Eligible = true, m, m.InGoodStanding
	}
	overrides, err := s.store.Overrides(ctx)
	if err != nil {
		return Standing{}, fmt.Errorf("roster: look up contact %d: %w", contactID, err)
	}
	for _, o := range overrides {
		if o.ContactID == contactID {
			st.Override = &o
			if o.Active(now) {
				st.Eligible = o.Eligible
			}
			break
		}
	}
	if st.History, err = s.store.History(ctx, contactID, 50); err != nil {
		return Standing{}, fmt.Errorf("roster: look up contact %d: %w", contactID, err)
	}
	last, err := s.store.LastSuccess(ctx)
	if err != nil {
		return Standing{}, fmt.Errorf("roster: look up contact %d: %w", contactID, err)
	}
	st.LastSeen = m.LastSeenAt
	if m.InGoodStanding && st.Override == nil && last.After(st.LastSeen) {
		st.LastSeen = last
	}
	st.Why = explain(st, now)
	return st, nil
}

func explain(st Standing, now time.Time) string {
	if o := st.Override; o != nil && o.Active(now) {
		word := "ineligible"
		if o.Eligible {
			word = "eligible"
		}
		return fmt.Sprintf("marked %s by %s on %s until %s: %s", word, o.Actor,
			o.SetAt.Format(time.DateOnly), o.Until.Format(time.DateOnly), o.Reason)
	}
	switch {
	case !st.Known:
		return "not in the roster: CiviCRM has never returned a current membership for this contact"
	case st.Member.InGoodStanding:
		return fmt.Sprintf("in good standing since %s (%s, %s membership)",
			sinceOf(st), st.Member.Status, st.Member.Type)
	default:
		return fmt.Sprintf("lapsed on %s: %s", st.Member.LapsedAt.Format(time.DateTime), st.Member.LapseReason)
	}
}

// sinceOf is when the member last became eligible: the latest add or reactivation.
func sinceOf(st Standing) string {
	for _, e := range st.History {
		if e.Action == ActionAdded || e.Action == ActionReactivated {
			return e.At.Format(time.DateOnly)
		}
	}
	return st.Member.FirstSeenAt.Format(time.DateOnly)
}

// Audit actions written for eligibility changes.
const (
	ActionAdded           = "member.added"
	ActionReactivated     = "member.reactivated"
	ActionLapsed          = "member.lapsed"
	ActionOverride        = "member.override"
	ActionOverrideExpired = "member.override_expired"
)

// Runs returns the latest runs, newest first.
func (s *Syncer) Runs(ctx context.Context, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = 20
	}
	runs, err := s.store.Runs(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("roster: list runs: %w", err)
	}
	return runs, nil
}
