package civicrm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ContactLink is a voting link to write into a contact's custom field.
// The URL is a personal secret: it never appears in errors or logs.
type ContactLink struct {
	ContactID int64
	URL       string
}

// SaveResult says what a batched write did.
type SaveResult struct {
	// Saved counts the records in the call that finally succeeded.
	Saved int
	// Missing lists contacts CiviCRM does not have (deleted, or merged and
	// purged); they were dropped from the batch and not written.
	Missing []int64
	// Calls counts the write calls made, retries excluded.
	Calls int
}

// MaxWriteBatch bounds the records of one write call. A real site saved
// about 2,900 contacts before PHP's 30 s limit killed the call, leaving a
// partly applied batch (throughput.md); 500 takes about 8 s.
const MaxWriteBatch = 2000

// SaveLinks writes each link into the contact custom field (its APIv4
// name, e.g. "Union_Sync.voting_link") with one Contact.save of all links;
// callers batch (100–500 records per call is the sweet spot). A contact
// that does not exist makes CiviCRM fail the batch part-way ("Expected one
// Contact but found 0"); SaveLinks then finds the missing contacts, drops
// them, reports them in SaveResult.Missing and saves the rest again, which
// is safe because a save by id is idempotent.
//
// CiviCRM ignores unknown fields and answers null for custom fields it did
// save, so the answer proves nothing: check a sample with VerifyLinks.
func (c *Client) SaveLinks(ctx context.Context, field string, links []ContactLink) (SaveResult, error) {
	var res SaveResult
	if err := checkBatch(len(links)); err != nil {
		return res, fmt.Errorf("civicrm: save links: %w", err)
	}
	if !strings.Contains(field, ".") {
		return res, fmt.Errorf("civicrm: save links: field %q is not a custom field name like "+
			"Union_Sync.voting_link: check CIVIVOTE_CIVICRM_LINK_FIELD", field)
	}
	records := make([]map[string]any, len(links))
	ids := make([]int64, len(links))
	for i, l := range links {
		if l.ContactID <= 0 {
			return res, fmt.Errorf("civicrm: save links: record %d has no contact id", i)
		}
		records[i] = map[string]any{"id": l.ContactID, field: l.URL}
		ids[i] = l.ContactID
	}
	err := c.saveDroppingMissing(ctx, "Contact", ids, &res, func(keep []int) error {
		batch := make([]map[string]any, len(keep))
		for i, k := range keep {
			batch[i] = records[k]
		}
		_, err := apiBatch[struct{}](ctx, c, "Contact", "save", len(batch), saveParams{Records: batch})
		return err
	})
	if err != nil {
		return res, fmt.Errorf("civicrm: save links: %w", err)
	}
	return res, nil
}

func checkBatch(n int) error {
	switch {
	case n == 0:
		return errors.New("no records")
	case n > MaxWriteBatch:
		return fmt.Errorf("%d records in one call: at most %d, or PHP's time limit may cut the call "+
			"with the batch partly applied", n, MaxWriteBatch)
	}
	return nil
}

// saveDroppingMissing runs save on the records at the indexes in keep,
// which starts as all of ids. When CiviCRM reports a missing record, the
// contacts that do not exist are dropped and the rest saved again.
func (c *Client) saveDroppingMissing(ctx context.Context, entity string, ids []int64, res *SaveResult,
	save func(keep []int) error) error {
	keep := make([]int, len(ids))
	for i := range keep {
		keep[i] = i
	}
	for len(keep) > 0 {
		res.Calls++
		err := save(keep)
		if err == nil {
			res.Saved = len(keep)
			return nil
		}
		if !missingRecord(err) {
			return err
		}
		batchIDs := make([]int64, len(keep))
		for i, k := range keep {
			batchIDs[i] = ids[k]
		}
		exists, lerr := c.existingContacts(ctx, batchIDs)
		if lerr != nil {
			return fmt.Errorf("%w; then finding the missing contacts failed: %w", err, lerr)
		}
		kept := keep[:0]
		for _, k := range keep {
			if exists[ids[k]] {
				kept = append(kept, k)
			} else if !slices.Contains(res.Missing, ids[k]) {
				res.Missing = append(res.Missing, ids[k])
			}
		}
		if len(kept) == len(keep) {
			return fmt.Errorf("%w; yet every contact of the batch exists, so civivote cannot tell which "+
				"record CiviCRM means: check CiviCRM's log (%s save)", err, entity)
		}
		keep = kept
	}
	res.Saved = 0
	return nil
}

// missingRecord reports whether err is CiviCRM failing a batch on a record
// that does not exist: "Expected one Contact but found 0" for saves by id,
// a constraint violation for GroupContact rows of a missing contact.
func missingRecord(err error) bool {
	var e *APIError
	if !errors.As(err, &e) {
		return false
	}
	return e.Kind == KindNotFound ||
		(e.Kind == KindValidation && strings.Contains(e.Message, "constraint violation"))
}

// existingContacts reports which of ids exist, trashed ones included
// (selecting by id stops APIv4 adding is_deleted = 0).
func (c *Client) existingContacts(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	for chunk := range slices.Chunk(ids, lookupBatch) {
		res, err := apiCall[struct {
			ID int64 `json:"id"`
		}](ctx, c, "Contact", "get", getParams{Select: []string{"id"}, Where: []any{cond("id", "IN", chunk)}})
		if err != nil {
			return nil, err
		}
		for _, v := range res.Values {
			out[v.ID] = true
		}
	}
	return out, nil
}

// lookupBatch bounds the ids in one IN clause.
const lookupBatch = 500

// VerifyLinks reads the field back for up to sample of links, spread over
// the slice (sample <= 0: all), and reports every contact whose stored
// value differs. It is the only proof a write landed: CiviCRM answers 200
// to a save of a field it does not know.
func (c *Client) VerifyLinks(ctx context.Context, field string, links []ContactLink, sample int) error {
	picked := spread(links, sample)
	want := make(map[int64]string, len(picked))
	ids := make([]int64, 0, len(picked))
	for _, l := range picked {
		if _, dup := want[l.ContactID]; !dup {
			ids = append(ids, l.ContactID)
		}
		want[l.ContactID] = l.URL
	}
	got := make(map[int64]*string, len(ids))
	for chunk := range slices.Chunk(ids, lookupBatch) {
		res, err := apiCall[map[string]any](ctx, c, "Contact", "get", getParams{
			Select: []string{"id", field}, Where: []any{cond("id", "IN", chunk)},
		})
		if err != nil {
			return fmt.Errorf("civicrm: verify links: %w", err)
		}
		for _, row := range res.Values {
			id, _ := row["id"].(float64)
			v, present := row[field]
			if !present {
				return fmt.Errorf("civicrm: verify links: CiviCRM does not know the field %q (it dropped it "+
					"from the select): check CIVIVOTE_CIVICRM_LINK_FIELD; the saves wrote nothing", field)
			}
			s, _ := v.(string)
			got[int64(id)] = &s
		}
	}
	var problems []string
	for _, id := range ids {
		switch g := got[id]; {
		case g == nil:
			problems = append(problems, fmt.Sprintf("contact %d is gone", id))
		case *g == "":
			problems = append(problems, fmt.Sprintf("contact %d has no link", id))
		case *g != want[id]:
			// Lengths only: the link is a personal secret.
			problems = append(problems, fmt.Sprintf("contact %d holds a different link (%d characters, "+
				"expected %d)", id, len(*g), len(want[id])))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("civicrm: verify links: %d of %d checked contacts do not hold the link written "+
			"(a CiviCRM hook or another sync may overwrite %s; or the field is too short for the URL): %s",
			len(problems), len(ids), field, strings.Join(problems[:min(len(problems), 10)], "; "))
	}
	return nil
}

// spread picks up to n elements evenly from xs, first and last included.
func spread[T any](xs []T, n int) []T {
	if n <= 0 || n >= len(xs) {
		return xs
	}
	if n == 1 {
		return xs[:1]
	}
	out := make([]T, n)
	for i := range n {
		out[i] = xs[i*(len(xs)-1)/(n-1)]
	}
	return out
}
