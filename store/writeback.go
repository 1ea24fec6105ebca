package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
)

// ActionWritebackQueued is the audit action of a write-back: the officers queued for
// CiviCRM, with their contacts, positions and dates.
const ActionWritebackQueued = "writeback_queued"

// WritebackConfig says where elected officers go in CiviCRM.
type WritebackConfig struct {
	// OrgContactID is the organisation contact officers relate to
	// (CIVIVOTE_CIVICRM_ORG_CONTACT_ID).
	OrgContactID int64
	// RelationshipType is the relationship type's name_a_b
	// (CIVIVOTE_CIVICRM_OFFICER_RELATIONSHIP).
	RelationshipType string
	// EndPrevious ends the tenures of previous holders of each position who were not
	// re-elected, the day before the new tenure starts (CIVIVOTE_WRITEBACK_END_PREVIOUS).
	EndPrevious bool
	// Current is what CiviCRM holds as current relationships of the type to the
	// organisation, read just before the write-back; only EndPrevious uses it.
	Current []HeldOffice
}

// HeldOffice is a current officer relationship as CiviCRM holds it.
type HeldOffice struct {
	RelationshipID int64
	ContactID      int64
	Start, End     election.Date // zero: none recorded
	Description    string        // the position title, as civivote writes it
}

// Officer is an elected officer as written back.
type Officer struct {
	PositionKey string        `json:"position"`
	Position    string        `json:"title"`
	CandidateID int64         `json:"candidate_id"`
	ContactID   int64         `json:"contact_id"`
	Name        string        `json:"name"`
	Start       election.Date `json:"-"`
	End         election.Date `json:"-"`
}

// EndedOffice is a previous holder's tenure that the write-back ends.
type EndedOffice struct {
	HeldOffice
	PositionKey string
	// NewEnd is the day before the new tenure starts.
	NewEnd election.Date
	// Inactive is set when NewEnd has already passed: the relationship is then saved
	// inactive too (transcript 32). Otherwise it stays active until its end date, when
	// CiviCRM stops counting it as current.
	Inactive bool
}

// WritebackReport says what a write-back queued.
type WritebackReport struct {
	Election string
	// Revision is the publication the officers were taken from.
	Revision int
	Officers []Officer
	Ended    []EndedOffice
	// Queued counts the writes new to the outbox; AlreadyQueued those an earlier
	// write-back queued (in any state, delivered included), which are not queued twice.
	Queued, AlreadyQueued int
	// Advanced is set when this write-back moved the election to written_back.
	Advanced bool
}

func (wc WritebackConfig) check() error {
	switch {
	case wc.OrgContactID <= 0:
		return election.Errorf(election.ErrInvalid, "CIVIVOTE_CIVICRM_ORG_CONTACT_ID is not set: set it to the CiviCRM "+
			"contact id of the organisation the officers hold office in (`civivote check` shows its name), then run "+
			"the write-back again; nothing was queued")
	case wc.RelationshipType == "":
		return election.Errorf(election.ErrInvalid, "CIVIVOTE_CIVICRM_OFFICER_RELATIONSHIP is empty: set it to the "+
			"name_a_b of the officer relationship type (e.g. \"Officer of\"), then run the write-back again; nothing was queued")
	}
	return nil
}

// QueueWriteback records the elected officers of election slug in CiviCRM through the
// outbox: one Relationship per officer from the member to the organisation, starting on
// tenure_starts and ending the day before the position's term is up, with the position
// title as description. The officers come from the published results (the revision last
// published), never from a fresh count: officers are written back only after publication,
// and exactly as published. With wc.EndPrevious, previous holders of each position who
// were not re-elected are ended the day before (see EndedOffice).
//
// It is one transaction under the election's row lock: the writes are queued, the election
// moves from results_published to written_back, and the write-back is audited. Running it
// again queues nothing that is already queued (the outbox's dedupe keys) and says so in
// Queued and AlreadyQueued; on a written_back election it is how a republished result or
// a changed organisation gets to CiviCRM. Before publication it refuses with
// election.ErrWrongState.
func (s *DB) QueueWriteback(ctx context.Context, slug string, wc WritebackConfig, actor string, now time.Time) (WritebackReport, error) {
	rep := WritebackReport{Election: slug}
	if err := wc.check(); err != nil {
		return rep, err
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		rep = WritebackReport{Election: slug}
		e, err := loadElection(ctx, tx, slug, " FOR UPDATE")
		if err != nil {
			return err
		}
		if e.State.Before(election.ResultsPublished) {
			return election.Errorf(election.ErrWrongState, "the results of %s are not published (the election is %s): "+
				"officers are written back only from published results, so publish first with `civivote publish %s`",
				slug, e.State, slug)
		}
		pub, err := publicationOf(ctx, tx, e, "")
		if err != nil {
			return err
		}
		rep.Revision = pub.Revision
		if rep.Officers, err = electedOfficers(ctx, tx, e, pub); err != nil {
			return err
		}
		if wc.EndPrevious {
			rep.Ended = previousHolders(e.Definition, rep.Officers, wc.Current, now)
		}
		items := writebackItems(slug, wc, rep)
		if rep.Queued, err = s.Outbox().EnqueueTx(ctx, tx, items); err != nil {
			return err
		}
		rep.AlreadyQueued = len(items) - rep.Queued
		if e.State == election.ResultsPublished {
			if _, err := s.stepTx(ctx, tx, e, election.WrittenBack, "officers queued for CiviCRM", actor, now); err != nil {
				return err
			}
			rep.Advanced = true
		}
		return audit(ctx, tx, now, actor, ActionWritebackQueued, e.ID, writebackAudit(wc, rep))
	})
	if err != nil {
		return WritebackReport{Election: slug}, err
	}
	return rep, nil
}

// WritebackOfficers returns the officers of election slug as a write-back records them,
// from its published results: what `civivote writeback --verify` expects to find in
// CiviCRM. Before publication it is an error of kind election.ErrNotFound.
func (s *DB) WritebackOfficers(ctx context.Context, slug string) ([]Officer, error) {
	e, err := s.GetElection(ctx, slug)
	if err != nil {
		return nil, err
	}
	pub, err := publicationOf(ctx, s.sql, e, "")
	if err != nil {
		return nil, err
	}
	return electedOfficers(ctx, s.sql, e, pub)
}

// electedOfficers reads the elected of each position from the published results and finds
// their contacts among the candidates. A seat won by "Re-open nominations" has no officer.
func electedOfficers(ctx context.Context, q queryer, e *StoredElection, pub *election.Publication) ([]Officer, error) {
	slug := e.Definition.Slug
	doc, err := election.ParseResults(pub.ResultsJSON)
	if err != nil {
		return nil, fmt.Errorf("store: write-back of %s: the published results cannot be read: %w", slug, err)
	}
	cands, err := loadCandidates(ctx, q, e.ID, "", "")
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]election.Candidate, len(cands))
	for _, c := range cands {
		byID[c.ID] = c
	}
	start := e.Definition.TenureStarts
	var out []Officer
	for _, pd := range doc.Positions {
		pos, ok := e.Definition.Position(pd.Key)
		if !ok {
			return nil, fmt.Errorf("store: write-back of %s: the published results name position %q, which the election does not have",
				slug, pd.Key)
		}
		for _, s := range pd.Elected {
			id, err := election.ParseChoiceID(s)
			if err != nil {
				return nil, fmt.Errorf("store: write-back of %s: %w", slug, err)
			}
			if id == election.RON {
				continue
			}
			c, ok := byID[id]
			if !ok || c.PositionKey != pd.Key {
				return nil, fmt.Errorf("store: write-back of %s: the published results elect candidate %d for %s, "+
					"who is not a candidate for that position", slug, id, pd.Key)
			}
			out = append(out, Officer{PositionKey: pd.Key, Position: pos.Title, CandidateID: id, ContactID: c.ContactID,
				Name: c.Name, Start: start, End: pos.TenureEnd(start)})
		}
	}
	return out, nil
}

// previousHolders picks, from the current officer relationships, those of each position
// (description = its title) whose holder was not re-elected to it and whose tenure would
// still run when the new one starts; each is ended the day before. A tenure starting on or
// after that day is not a previous one, and one that ends before it needs nothing.
func previousHolders(d *election.Definition, officers []Officer, current []HeldOffice, now time.Time) []EndedOffice {
	start := d.TenureStarts
	end := start.AddDays(-1)
	today := election.DateOf(now.In(d.Location))
	reelected := map[string]bool{}
	for _, o := range officers {
		reelected[fmt.Sprintf("%s:%d", o.PositionKey, o.ContactID)] = true
	}
	var out []EndedOffice
	for _, p := range d.Positions {
		for _, h := range current {
			if h.Description != p.Title || reelected[fmt.Sprintf("%s:%d", p.Key, h.ContactID)] ||
				(!h.Start.IsZero() && !h.Start.Before(start)) || (!h.End.IsZero() && h.End.Before(start)) {
				continue
			}
			out = append(out, EndedOffice{HeldOffice: h, PositionKey: p.Key, NewEnd: end, Inactive: end.Before(today)})
		}
	}
	return out
}

// writebackItems are the outbox writes of a write-back: officers first, then the ends.
func writebackItems(slug string, wc WritebackConfig, rep WritebackReport) []outbox.Item {
	var items []outbox.Item
	for _, o := range rep.Officers {
		items = append(items, outbox.SaveRelationship(slug, outbox.Relationship{ContactA: o.ContactID,
			ContactB: wc.OrgContactID, Type: wc.RelationshipType, Start: o.Start.In(time.UTC), End: o.End.In(time.UTC),
			Description: o.Position}))
	}
	for _, h := range rep.Ended {
		r := outbox.Relationship{ID: h.RelationshipID, ContactA: h.ContactID, ContactB: wc.OrgContactID,
			Type: wc.RelationshipType, End: h.NewEnd.In(time.UTC), Description: h.Description, Inactive: h.Inactive}
		if !h.Start.IsZero() {
			r.Start = h.Start.In(time.UTC)
		}
		items = append(items, outbox.SaveRelationship(slug, r))
	}
	return items
}

// writebackAudit is the audit record of a write-back: who was recorded as what, from when
// to when, where in CiviCRM, and how much of it was new.
func writebackAudit(wc WritebackConfig, rep WritebackReport) map[string]any {
	officers := make([]map[string]any, len(rep.Officers))
	for i, o := range rep.Officers {
		officers[i] = map[string]any{"contact_id": o.ContactID, "candidate_id": o.CandidateID, "position": o.PositionKey,
			"title": o.Position, "start_date": o.Start.String(), "end_date": o.End.String()}
	}
	ended := make([]map[string]any, len(rep.Ended))
	for i, h := range rep.Ended {
		ended[i] = map[string]any{"relationship_id": h.RelationshipID, "contact_id": h.ContactID, "position": h.PositionKey,
			"end_date": h.NewEnd.String(), "inactive": h.Inactive}
	}
	return map[string]any{"revision": rep.Revision, "organisation_contact_id": wc.OrgContactID,
		"relationship_type": wc.RelationshipType, "officers": officers, "ended_previous": ended,
		"end_previous": wc.EndPrevious, "queued": rep.Queued, "already_queued": rep.AlreadyQueued}
}
