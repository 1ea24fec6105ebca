package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// settleTimeout bounds handing back an interrupted batch after ctx ended.
const settleTimeout = 10 * time.Second

// batch claims one batch of kind k, delivers it and records the outcome.
func (w *Worker) batch(ctx context.Context, k Kind) (Result, error) {
	var res Result
	token := w.opts.ID + ":" + strconv.FormatInt(w.claims.Add(1), 10)
	now := w.opts.Now()
	claimed, err := w.store.Claim(ctx, ClaimRequest{
		Kind: k, Token: token, Limit: w.opts.BatchSize, Now: now, Until: now.Add(w.opts.ClaimTTL),
	})
	if err != nil {
		if ctx.Err() != nil {
			return res, nil
		}
		return res, fmt.Errorf("outbox: claim %s items: %w", k, err)
	}
	if len(claimed) == 0 {
		return res, nil
	}
	res.Batches = 1
	// Stop well before the claim runs out, or another worker could take the items while
	// this one is still writing them.
	dctx, cancel := context.WithTimeout(ctx, w.opts.ClaimTTL*9/10)
	started := time.Now()
	outcomes := w.deliver(dctx, k, claimed)
	cancel()
	w.m.latency.WithLabelValues(string(k)).Observe(time.Since(started).Seconds())

	// The outcome is recorded whatever happens to ctx from here on: a shutdown that lands
	// between the check below and the write must not leave delivered items claimed (they
	// would be sent again) or pending ones waiting out the claim.
	sctx, stop := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer stop()
	if ctx.Err() != nil {
		// Shutting down: hand the batch back at once rather than leaving it claimed until
		// the claim expires. The attempt still counts.
		for i := range outcomes {
			if outcomes[i].State == StatePending {
				outcomes[i].Next = now
			}
		}
	}
	if err := w.store.Settle(sctx, token, w.opts.Now(), outcomes); err != nil {
		return res, fmt.Errorf("outbox: record delivery of %d %s items: %w", len(outcomes), k, err)
	}
	for _, o := range outcomes {
		switch o.State {
		case StateDone:
			res.Delivered++
		case StateFailed:
			res.Failed++
		default:
			res.Retried++
		}
	}
	w.m.delivered.WithLabelValues(string(k)).Add(float64(res.Delivered))
	w.m.failed.WithLabelValues(string(k)).Add(float64(res.Failed))
	w.m.retries.WithLabelValues(string(k)).Add(float64(res.Retried))
	return res, nil
}

// part is the items of a batch that go to CiviCRM in one call: same kind, and same link
// field or group.
type part struct {
	items []Claimed
	links []Link
	group Group
	ids   []int64
	rels  []Relationship
}

// deliver sends the claimed items and returns an outcome for each.
func (w *Worker) deliver(ctx context.Context, k Kind, claimed []Claimed) []Outcome {
	out := make([]Outcome, 0, len(claimed))
	parts := map[string]*part{}
	var order []string
	for _, c := range claimed {
		key, add, err := decode(k, c.Payload)
		if err != nil {
			out = append(out, Outcome{ID: c.ID, State: StateFailed,
				Err: fmt.Sprintf("the queued %s item cannot be read (%v): it was written by an incompatible "+
					"civivote version; queue it again", k, err)})
			continue
		}
		p := parts[key]
		if p == nil {
			p = &part{}
			parts[key] = p
			order = append(order, key)
		}
		p.items = append(p.items, c)
		add(p)
	}
	for _, key := range order {
		p := parts[key]
		rejected, err := w.send(ctx, k, p)
		out = append(out, w.outcomes(p.items, rejected, err)...)
	}
	return out
}

// decode reads a payload and returns the key of the call it belongs to and a function that
// adds it to that call.
func decode(k Kind, payload []byte) (string, func(*part), error) {
	switch k {
	case KindLink:
		var l Link
		if err := json.Unmarshal(payload, &l); err != nil {
			return "", nil, err
		}
		return l.Field, func(p *part) { p.links = append(p.links, l) }, nil
	case KindGroupAdd, KindGroupRemove:
		var m Membership
		if err := json.Unmarshal(payload, &m); err != nil {
			return "", nil, err
		}
		return m.Group.Name, func(p *part) { p.group = m.Group; p.ids = append(p.ids, m.ContactID) }, nil
	case KindRelationship:
		var r Relationship
		if err := json.Unmarshal(payload, &r); err != nil {
			return "", nil, err
		}
		return "", func(p *part) { p.rels = append(p.rels, r) }, nil
	}
	return "", nil, fmt.Errorf("unknown kind %q", k)
}

// send makes the Sink call for one part.
func (w *Worker) send(ctx context.Context, k Kind, p *part) ([]Rejection, error) {
	switch k {
	case KindLink:
		urls := make([]ContactURL, len(p.links))
		for i, l := range p.links {
			u, err := w.opts.LinkURL(l)
			if err != nil {
				return nil, fmt.Errorf("outbox: derive the link of contact %d in %s: %w", l.ContactID, l.Election, err)
			}
			urls[i] = ContactURL{ContactID: l.ContactID, URL: u}
		}
		return w.sink.SetLinks(ctx, p.links[0].Field, urls)
	case KindRelationship:
		return w.sink.SaveRelationships(ctx, p.rels)
	}
	id, err := w.groupID(ctx, p.group)
	if err != nil {
		return nil, err
	}
	if k == KindGroupAdd {
		return w.sink.AddToGroup(ctx, id, p.ids)
	}
	return w.sink.RemoveFromGroup(ctx, id, p.ids)
}

// groupID resolves a group once per Worker; groups are never deleted by civivote. The lock
// is held across the call so concurrent writers do not both create the group.
func (w *Worker) groupID(ctx context.Context, g Group) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if id, ok := w.groups[g.Name]; ok {
		return id, nil
	}
	id, err := w.sink.EnsureGroup(ctx, g)
	if err != nil {
		return 0, err
	}
	w.groups[g.Name] = id
	return id, nil
}

// outcomes turns a call's answer into item outcomes: a failed call retries every item (it
// may have been partly applied, and every write is idempotent), a successful one marks the
// rejected records failed and the rest done.
func (w *Worker) outcomes(items []Claimed, rejected []Rejection, err error) []Outcome {
	out := make([]Outcome, len(items))
	now := w.opts.Now()
	if err != nil {
		msg := err.Error()
		for i, c := range items {
			out[i] = Outcome{ID: c.ID, State: StatePending, Err: msg,
				Next: now.Add(backoff(c.Attempts, w.opts.MinBackoff, w.opts.MaxBackoff, w.opts.Jitter))}
		}
		return out
	}
	for i, c := range items {
		out[i] = Outcome{ID: c.ID, State: StateDone}
	}
	for _, r := range rejected {
		if r.Index >= 0 && r.Index < len(items) {
			out[r.Index] = Outcome{ID: items[r.Index].ID, State: StateFailed, Err: r.Reason}
		}
	}
	return out
}
