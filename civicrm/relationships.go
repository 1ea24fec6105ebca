package civicrm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Relationship is an officer's tenure: contact A (the officer) is Type
// (a relationship type's name_a_b, e.g. "Officer of") of contact B (the
// organisation).
type Relationship struct {
	ID                     int64 // set by reads and saves
	ContactIDA, ContactIDB int64
	Type                   string
	StartDate              time.Time // required, midnight UTC
	EndDate                time.Time // zero: open-ended
	Active                 bool
	Description            string // e.g. the position title
}

// SavedRelationship is CiviCRM's answer for one saved relationship.
type SavedRelationship struct {
	ID int64
	// DuplicateOf is set when CiviCRM refused the record because the same
	// pair already has this type in the reverse direction; nothing was
	// saved.
	DuplicateOf int64
}

// relationshipMatch is what Relationship.save matches an existing tenure on. The start
// date is part of it so that each tenure is a record of its own: with the pair and type
// alone (transcripts 27-32) a re-elected officer's new tenure would overwrite the dates of
// the last one and lose the history. APIv4 updates when exactly one row matches every
// field (MatchParamTrait::matchExisting) and otherwise creates; the create's duplicate
// check (CRM_Contact_BAO_Relationship::checkDuplicateRelationship) refuses only an active
// relationship of the pair and type with the same start and end dates, which is the same
// tenure, so a new tenure is created beside the old one.
var relationshipMatch = []string{"contact_id_a", "contact_id_b", "relationship_type_id", "start_date"}

// SaveRelationships saves tenures idempotently (Relationship.save with
// match on contact_id_a, contact_id_b, relationship_type_id and
// start_date: saving again updates the end date and description in place,
// and a tenure with another start date is another record). A record with
// an ID (read from CiviCRM) is saved by id, which skips the match. Dates
// are checked before sending, because CiviCRM stores an impossible date as
// 1970-01-01 with a 200, and compared with what CiviCRM echoes. To end a
// tenure, save it with its end date and Active false (transcript 32).
func (c *Client) SaveRelationships(ctx context.Context, rels []Relationship) ([]SavedRelationship, error) {
	if err := checkBatch(len(rels)); err != nil {
		return nil, fmt.Errorf("civicrm: save relationships: %w", err)
	}
	records := make([]map[string]any, len(rels))
	for i, r := range rels {
		if err := r.validate(); err != nil {
			return nil, fmt.Errorf("civicrm: save relationships: record %d: %w", i, err)
		}
		rec := map[string]any{
			"contact_id_a": r.ContactIDA, "contact_id_b": r.ContactIDB,
			"relationship_type_id:name": r.Type,
			"start_date":                formatDate(r.StartDate), "end_date": formatDate(r.EndDate),
			"is_active": r.Active, "description": r.Description,
		}
		if r.ID > 0 {
			rec["id"] = r.ID
			if r.StartDate.IsZero() {
				delete(rec, "start_date") // keep what CiviCRM has
			}
		}
		records[i] = rec
	}
	res, err := apiBatch[savedRelationship](ctx, c, "Relationship", "save", len(records), saveParams{
		Records: records, Match: relationshipMatch,
	})
	if err != nil {
		return nil, fmt.Errorf("civicrm: save relationships: %w", err)
	}
	if len(res.Values) != len(rels) {
		return nil, fmt.Errorf("civicrm: save relationships: sent %d, CiviCRM answered %d", len(rels), len(res.Values))
	}
	out := make([]SavedRelationship, len(rels))
	var problems []string
	for i, v := range res.Values {
		out[i] = SavedRelationship{ID: v.ID}
		if v.ErrorCode == "duplicate" || v.DuplicateID > 0 {
			out[i].DuplicateOf = v.DuplicateID
			problems = append(problems, fmt.Sprintf("contact %d to %d already has relationship %d in the "+
				"reverse direction; nothing saved", rels[i].ContactIDA, rels[i].ContactIDB, v.DuplicateID))
			continue
		}
		if msg := v.datesDiffer(rels[i]); msg != "" {
			problems = append(problems, fmt.Sprintf("relationship %d: %s", v.ID, msg))
		}
	}
	if len(problems) > 0 {
		return out, &APIError{Kind: KindValidation, Entity: "Relationship", Action: "save",
			Message: strings.Join(problems, "; ")}
	}
	return out, nil
}

func (r Relationship) validate() error {
	switch {
	case r.ContactIDA <= 0 || r.ContactIDB <= 0:
		return errors.New("both contacts are required")
	case r.Type == "":
		return errors.New("the relationship type is required")
	case r.StartDate.IsZero() && r.ID <= 0:
		return errors.New("the start date is required (it tells one tenure from another)")
	}
	for _, d := range []time.Time{r.StartDate, r.EndDate} {
		if !d.IsZero() && (d.Year() < 1900 || d.Year() > 9999) {
			return fmt.Errorf("date %s is out of range", d.Format(DateLayout))
		}
	}
	if !r.EndDate.IsZero() && !r.StartDate.IsZero() && r.EndDate.Before(r.StartDate) {
		return fmt.Errorf("the end date %s is before the start date %s",
			r.EndDate.Format(DateLayout), r.StartDate.Format(DateLayout))
	}
	return nil
}

// savedRelationship is one value of Relationship.save's answer: dates as
// YYYYMMDD and the string "NULL" (transcripts 27 and 30), or a duplicate
// marker (33).
type savedRelationship struct {
	ID          int64  `json:"id"`
	StartDate   string `json:"start_date"`
	EndDate     string `json:"end_date"`
	DuplicateID int64  `json:"duplicate_id"`
	ErrorCode   string `json:"error_code"`
}

func (v savedRelationship) datesDiffer(want Relationship) string {
	for _, d := range []struct {
		name, got string
		want      time.Time
	}{{"start date", v.StartDate, want.StartDate}, {"end date", v.EndDate, want.EndDate}} {
		got, err := parseDate(d.got)
		if err != nil {
			return fmt.Sprintf("CiviCRM echoed the %s as %q", d.name, d.got)
		}
		// An omitted end date can be echoed as "NULL" or left out (""):
		// both parse to zero.
		if !got.Equal(d.want.UTC().Truncate(24 * time.Hour)) {
			return fmt.Sprintf("CiviCRM stored the %s as %s, not %s", d.name, d.got, d.want.Format(DateLayout))
		}
	}
	return ""
}

// CurrentRelationships lists the relationships of the type to contact
// orgID that are current (active, and today within their dates).
func (c *Client) CurrentRelationships(ctx context.Context, typeName string, orgID int64) ([]Relationship, error) {
	out, err := c.relationships(ctx, typeName, orgID, cond("is_current", "=", true))
	if err != nil {
		return nil, fmt.Errorf("civicrm: current %q relationships of contact %d: %w", typeName, orgID, err)
	}
	return out, nil
}

// RelationshipsOf lists every relationship of the type from the contacts to contact orgID,
// past, current and future, active or not: what a write-back is verified against (its
// tenures may not have started yet, so they are not current).
func (c *Client) RelationshipsOf(ctx context.Context, typeName string, orgID int64, contactIDs []int64) ([]Relationship, error) {
	if len(contactIDs) == 0 {
		return nil, nil
	}
	out, err := c.relationships(ctx, typeName, orgID, cond("contact_id_a", "IN", contactIDs))
	if err != nil {
		return nil, fmt.Errorf("civicrm: %q relationships of %d contacts to contact %d: %w", typeName, len(contactIDs), orgID, err)
	}
	return out, nil
}

// relationships reads the relationships of the type to contact orgID that also meet extra.
func (c *Client) relationships(ctx context.Context, typeName string, orgID int64, extra any) ([]Relationship, error) {
	res, err := apiCall[struct {
		ID          int64   `json:"id"`
		ContactIDA  int64   `json:"contact_id_a"`
		ContactIDB  int64   `json:"contact_id_b"`
		StartDate   *string `json:"start_date"`
		EndDate     *string `json:"end_date"`
		IsActive    bool    `json:"is_active"`
		Description *string `json:"description"`
	}](ctx, c, "Relationship", "get", getParams{
		Select:  []string{"id", "contact_id_a", "contact_id_b", "start_date", "end_date", "is_active", "description"},
		Where:   []any{cond("relationship_type_id:name", "=", typeName), cond("contact_id_b", "=", orgID), extra},
		OrderBy: byID(),
	})
	if err != nil {
		return nil, err
	}
	out := make([]Relationship, len(res.Values))
	for i, v := range res.Values {
		r := Relationship{ID: v.ID, ContactIDA: v.ContactIDA, ContactIDB: v.ContactIDB, Type: typeName,
			Active: v.IsActive, Description: deref(v.Description)}
		if r.StartDate, err = parseDate(deref(v.StartDate)); err == nil {
			r.EndDate, err = parseDate(deref(v.EndDate))
		}
		if err != nil {
			return nil, fmt.Errorf("relationship %d: %w", v.ID, err)
		}
		out[i] = r
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
