package civicrm

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"time"
)

// MemberQuery selects the memberships Memberships and CountCurrentMembers
// read: those whose status counts as current (status_id.is_current_member:
// New, Current and Grace on a stock site; sites rename and add statuses, so
// names are not used), of contacts that are neither trashed nor deceased.
type MemberQuery struct {
	// Types limits the memberships to these membership type names; empty
	// means every type.
	Types []string
	// PageSize overrides Config.PageSize when positive.
	PageSize int
	// AfterID starts after this membership id (0: from the beginning).
	AfterID int64
}

// Membership is one current membership row.
type Membership struct {
	ID          int64 // membership id
	ContactID   int64
	DisplayName string
	Email       string // the contact's primary email, "" if none
	ExternalID  string // the contact's external_identifier, "" if none
	Type        string // membership type name
	Status      string // membership status name
	// Dates are midnight UTC; the zero time means none (a lifetime
	// membership has no end date).
	JoinDate, StartDate, EndDate time.Time
}

func memberSelect() []string {
	return []string{
		"id", "contact_id", "contact_id.display_name", "contact_id.email_primary.email",
		"contact_id.external_identifier", "membership_type_id:name", "status_id:name",
		"join_date", "start_date", "end_date",
	}
}

func (q MemberQuery) where(afterID int64) []any {
	w := []any{cond("status_id.is_current_member", "=", true)}
	if len(q.Types) > 0 {
		w = append(w, cond("membership_type_id:name", "IN", q.Types))
	}
	// Joined entities get no is_deleted default: without these a trashed
	// contact's memberships are returned (API.md, transcripts 75 and 76).
	w = append(w, cond("contact_id.is_deleted", "=", false), cond("contact_id.is_deceased", "=", false))
	if afterID > 0 {
		w = append(w, cond("id", ">", afterID))
	}
	return w
}

// Memberships streams the current memberships matching q in ascending
// membership id, one page (keyset: id > last, orderBy id, limit) at a time;
// memory is bounded by one page whatever the roster's size.
//
// What a pass guarantees: every row yielded was current when its page was
// read; ids strictly ascend; the pass ends only when a page comes back
// shorter than the limit and a probe for any later id finds none. What it
// cannot: each page is its own transaction, so a membership that becomes
// current after the pass went past its id is missed until the next pass,
// and one that lapses after its page was read is still yielded. A server
// that drops rows from inside a full page is caught only when countFetched
// disagrees with the rows sent; the roster sync compares its total with
// CountCurrentMembers to catch the rest.
//
// Rows are not folded: a contact's several memberships have unrelated ids
// and arrive on different pages. The roster sync folds them by contact
// (roster.Fold), the one place that rule lives.
//
// On failure the iterator yields one error (an *APIError inside, for
// errors.As; KindInconsistent when the answers contradict each other) and
// stops; a partial pass must not be taken for the roster.
func (c *Client) Memberships(ctx context.Context, q MemberQuery) iter.Seq2[Membership, error] {
	return func(yield func(Membership, error) bool) {
		limit := c.cfg.PageSize
		if q.PageSize > 0 {
			limit = min(q.PageSize, maxPageSize)
		}
		page := newMemberPage(limit)
		last := q.AfterID
		for {
			err := c.do(ctx, request{
				entity: "Membership", action: "get", buf: &page.buf, decode: page.decode,
				params: getParams{Select: memberSelect(), Where: q.where(last), OrderBy: byID(), Limit: limit},
			})
			if err != nil {
				yield(Membership{}, fmt.Errorf("civicrm: read current members after membership %d: %w", last, err))
				return
			}
			for i := range page.rows {
				m := page.rows[i]
				if m.ID <= last {
					yield(Membership{}, &APIError{Kind: KindInconsistent, Entity: "Membership", Action: "get",
						Message: fmt.Sprintf("membership %d came after %d: CiviCRM ignored the id order, so "+
							"this pass of current members is not trusted", m.ID, last)})
					return
				}
				last = m.ID
				if !yield(m, nil) {
					return
				}
			}
			if len(page.rows) < limit {
				if err := c.probeEnd(ctx, q, last, len(page.rows), limit); err != nil {
					yield(Membership{}, err)
				}
				return
			}
		}
	}
}

// probeEnd confirms that a short page really was the last: a page cut
// short by a proxy, a PHP limit or a faulty server must not end the pass
// silently, since the roster sync would lapse everyone after it.
func (c *Client) probeEnd(ctx context.Context, q MemberQuery, last int64, got, limit int) error {
	res, err := apiCall[struct {
		ID int64 `json:"id"`
	}](ctx, c, "Membership", "get", getParams{
		Select: []string{"id"}, Where: q.where(last), OrderBy: byID(), Limit: 1,
	})
	if err != nil {
		return fmt.Errorf("civicrm: read current members: confirm the end after membership %d: %w", last, err)
	}
	if len(res.Values) > 0 {
		return &APIError{Kind: KindInconsistent, Entity: "Membership", Action: "get",
			Message: fmt.Sprintf("a page of current members held %d rows of %d, which should be the last, "+
				"but membership %d follows: the page was incomplete, so this pass is not trusted; run it "+
				"again (if it persists, check proxies and CiviCRM's log)", got, limit, res.Values[0].ID)}
	}
	return nil
}

// CountCurrentMembers counts the memberships Memberships would return
// (select row_count: countMatched carries the total). It counts
// memberships, not contacts.
func (c *Client) CountCurrentMembers(ctx context.Context, q MemberQuery) (int, error) {
	res, err := apiCall[struct{}](ctx, c, "Membership", "get", getParams{
		Select: []string{"row_count"}, Where: q.where(q.AfterID),
	})
	if err != nil {
		return 0, fmt.Errorf("civicrm: count current members: %w", err)
	}
	if res.Matched < 0 {
		return 0, fmt.Errorf("civicrm: count current members: the answer has no countMatched; " +
			"CiviCRM older than 5.x? civivote needs APIv4's row_count")
	}
	return res.Matched, nil
}

// memberPage decodes member pages into storage reused from page to page.
type memberPage struct {
	buf    bytes.Buffer
	rows   []Membership
	intern map[string]string
}

func newMemberPage(limit int) *memberPage {
	return &memberPage{rows: make([]Membership, 0, limit), intern: make(map[string]string)}
}
